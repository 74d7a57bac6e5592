{#- Generic data tests of our own (dbt packages cannot be fetched here). -#}

{#- No two rows share the same values of these columns. -#}
{% test unique_combination(model, columns) %}
    select
        {{ columns | join(', ') }},
        count(*) as copies
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}


{#- The model has exactly as many rows as another relation (optionally
    filtered): guards marts against join fan-out and silent drops. -#}
{% test equal_row_count(model, compare_model, compare_filter='true', filter='true') %}
    with

    counts as (
        select
            (select count(*) from {{ model }} where {{ filter }}) as model_rows,
            (
                select count(*) from {{ compare_model }}
                where {{ compare_filter }}
            ) as compare_rows
    )

    select * from counts
    where model_rows != compare_rows
{% endtest %}


{#- Every value lies within [min_value, max_value] (nulls pass). -#}
{% test within_range(model, column_name, min_value, max_value) %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} < {{ min_value }}
        or {{ column_name }} > {{ max_value }}
{% endtest %}


{#- The column is null (on the rows of the test's `where` config). -#}
{% test is_null(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} is not null
{% endtest %}
