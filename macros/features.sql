{#- The kinds of activity the features count: every activity type of the
    contract's vocabulary, and page views by page category. Each kind is a
    column n_<kind> of the daily activity table, and the features count it
    over windows (n_<kind>_<w>d) and time since its last occurrence. -#}
{% macro activity_kinds() %}
    {%- set kinds = [] -%}
    {%- for activity_type in [
        'page_view', 'email_delivered', 'email_open', 'email_click',
        'email_reply', 'email_bounce', 'email_unsubscribe', 'form_submit',
        'content_download', 'webinar_registered', 'webinar_attended',
        'video_view', 'demo_request', 'contact_sales', 'trial_signup',
        'social_engagement', 'meeting_booked', 'other'] -%}
        {%- do kinds.append({"name": activity_type,
            "condition": "activity_type = '" ~ activity_type ~ "'"}) -%}
    {%- endfor -%}
    {%- for category in ['pricing', 'product', 'comparison', 'docs', 'blog',
                         'careers'] -%}
        {%- do kinds.append({"name": category ~ "_view",
            "condition": "page_category = '" ~ category ~ "'"}) -%}
    {%- endfor -%}
    {{ return(kinds) }}
{% endmacro %}


{#- The windows (days back from the as-of date, inclusive of it) over which
    behaviour is counted. -#}
{% macro feature_windows() %}
    {{ return([1, 7, 30, 90]) }}
{% endmacro %}


{#- Activity that counts towards engagement: everything but what the lead
    did not do (deliveries, bounces) or that signals disinterest. -#}
{% macro engagement_condition() -%}
    activity_type not in ('email_delivered', 'email_bounce', 'email_unsubscribe')
{%- endmacro %}
