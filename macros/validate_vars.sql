{#- What each var may hold: the schema of the configuration, beside its
    defaults in dbt_project.yml (tests/python/test_var_spec.py checks that
    both name the same vars). validate_vars() checks it before any model
    runs (on-run-start): a bad value stops the build naming the var, what it
    got and what it takes; a name passed with --vars that is not a var is
    warned about, with the closest var's name.
    Kinds: text, integer, number (min/max), flag, choice (choices), date
    (YYYY-MM-DD), mapping, list; null allowed only where nullable. The
    scores inside tier_thresholds are checked where tiers are read
    (macros/tiers.sql). -#}
{% macro var_spec() %}
    {%- set whole = {'kind': 'integer', 'min': 1} -%}
    {%- set count = {'kind': 'integer', 'min': 0} -%}
    {%- set share = {'kind': 'number', 'min': 0, 'max': 1} -%}
    {{ return({
        'raw_data_path': {'kind': 'text'},
        'raw_schema': {'kind': 'text', 'nullable': true},
        'raw_tables': {'kind': 'mapping'},
        'raw_encodings': {'kind': 'mapping'},
        'column_map': {'kind': 'mapping'},
        'column_defaults': {'kind': 'mapping'},
        'custom_properties': {'kind': 'list'},
        'unreadable_values_stop': {'kind': 'mapping'},
        'score_date': {'kind': 'date', 'nullable': true},
        'mode': {'kind': 'choice', 'choices': ['production', 'backtest']},
        'stale_data_warn_days': count,
        'stale_data_severity': {'kind': 'choice', 'choices': ['warn', 'error']},
        'conversion_definition': {'kind': 'choice',
            'choices': ['qualified', 'opportunity_created', 'opportunity_won']},
        'horizon_days': whole,
        'training_lookback_days': whole,
        'training_step_days': whole,
        'week_ends_on': {'kind': 'choice', 'choices': ['score_date', 'sunday',
            'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']},
        'training_max_lead_age_days': whole,
        'training_sample_rate': {'kind': 'number', 'min': 0, 'max': 1, 'above_min': true},
        'engagement_half_life_days': whole,
        'points_total_cap': whole,
        'retrain_policy': {'kind': 'choice', 'choices': ['auto', 'always', 'never']},
        'retrain_max_age_days': whole,
        'retrain_min_new_conversions': whole,
        'promotion_tolerance': share,
        'promotion_min_gain': share,
        'cold_start_min_labelled': count,
        'cold_start_min_conversions': count,
        'champion_version': {'kind': 'text', 'nullable': true},
        'score_scale': {'kind': 'choice', 'choices': ['percentile', 'probability']},
        'rules_on_score_scale': {'kind': 'choice',
            'choices': ['cold_start', 'always', 'never', true, false]},
        'rules_scale_min_rows': count,
        'model_seed': count,
        'model_max_features': {'kind': 'integer', 'min': 1, 'nullable': true},
        'model_max_train_rows': {'kind': 'integer', 'min': 1, 'nullable': true},
        'model_refit': {'kind': 'flag'},
        'calibration_method': {'kind': 'choice', 'choices': ['sigmoid', 'isotonic']},
        'negative_signal_features': {'kind': 'list'},
        'constrain_negative_signals': {'kind': 'flag'},
        'min_test_converted_leads': whole,
        'min_calibration_converted_leads': whole,
        'preflight_horizon_days': {'kind': 'list'},
        'tier_thresholds': {'kind': 'mapping'},
        'tier_actions': {'kind': 'mapping'},
        'over_capacity_action': {'kind': 'choice', 'choices': ['queue', 'reassign']},
        'routing_cross_segment_fallback': {'kind': 'flag'},
        'sync_min_score_change': count,
        'sync_min_time_score_change': count,
        'export_path': {'kind': 'text'},
        'health_backtest_weeks': whole,
        'health_backtest_max_rows_per_date': {'kind': 'integer', 'min': 1, 'nullable': true},
        'health_recent_weeks': whole,
        'health_calibration_margin': {'kind': 'number', 'min': 0},
        'health_calibration_min_z': {'kind': 'number', 'min': 0},
        'health_slice_min_leads': whole,
        'health_slice_min_gap': {'kind': 'number', 'min': 0},
        'health_slice_margin': {'kind': 'number', 'min': 0},
        'health_auc_floor': share,
        'health_below_points_margin': share,
        'health_psi_watch': {'kind': 'number', 'min': 0},
        'health_psi_drift': {'kind': 'number', 'min': 0},
        'health_drift_feature_share': share,
        'health_drift_top_features': count,
        'health_drift_max_reference_rows': {'kind': 'integer', 'min': 1, 'nullable': true},
        'health_seed': count,
        'constant_score_warn_share': share,
        'report_path': {'kind': 'text'},
        'health_alert_history': {'kind': 'text'},
        'placeholder_values': {'kind': 'list'},
    }) }}
{% endmacro %}


{#- Why a value does not fit its spec, or '' when it does. -#}
{% macro var_problem(value, spec) %}
    {%- set kind = spec['kind'] -%}
    {%- if value is none -%}
        {{ return('' if spec.get('nullable') else 'a value (it may not be null)') }}
    {%- endif -%}
    {%- set is_flag = value is sameas true or value is sameas false -%}
    {%- if kind == 'text' -%}
        {{ return('' if value is string and value | length > 0 else 'a non-empty text') }}
    {%- elif kind == 'flag' -%}
        {{ return('' if is_flag else 'true or false') }}
    {%- elif kind == 'choice' -%}
        {{ return('' if value in spec['choices']
            else 'one of ' ~ spec['choices'] | join(', ')) }}
    {%- elif kind == 'date' -%}
        {#- YAML reads an unquoted 2026-06-30 in --vars as a date: fine too -#}
        {%- set text = value | string if value.isoformat is defined else value -%}
        {%- set ok = text is string
            and modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ return('' if ok else 'a date written YYYY-MM-DD') }}
    {%- elif kind == 'mapping' -%}
        {{ return('' if value is mapping else 'a mapping ({key: value, ...})') }}
    {%- elif kind == 'list' -%}
        {{ return('' if value is sequence and value is not string and value is not mapping
            else 'a list ([a, b, ...])') }}
    {%- endif -%}
    {#- integer and number -#}
    {%- set wanted = ('a whole number' if kind == 'integer' else 'a number')
        ~ (' from ' ~ spec['min'] if 'min' in spec else '')
        ~ (' to ' ~ spec['max'] if 'max' in spec else '') -%}
    {%- if is_flag or value is not number
        or (kind == 'integer' and value != (value | int)) -%}
        {{ return(wanted) }}
    {%- endif -%}
    {%- if ('min' in spec and (value < spec['min']
            or (spec.get('above_min') and value == spec['min'])))
        or ('max' in spec and value > spec['max']) -%}
        {{ return(wanted ~ (' (above ' ~ spec['min'] ~ ')' if spec.get('above_min') else '')) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- The known name sharing the longest start with `name` (a typo's likely
    meaning), or none. -#}
{% macro closest_var_name(name, known) %}
    {%- set best = {'name': none, 'shared': 2} -%}
    {%- for candidate in known | sort -%}
        {%- set shared = namespace(n=0) -%}
        {%- for i in range([name | length, candidate | length] | min) -%}
            {%- if shared.n == i and name[i] == candidate[i] -%}
                {%- set shared.n = i + 1 -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if shared.n > best['shared'] -%}
            {%- do best.update({'name': candidate, 'shared': shared.n}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(best['name']) }}
{% endmacro %}


{#- A value as the user wrote it, for a message. -#}
{% macro shown_value(value) %}
    {%- if value is string or value.isoformat is defined -%}
        {{ return("'" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | tojson) }}
{% endmacro %}


{#- on-run-start: every var against var_spec() before any model runs. -#}
{% macro validate_vars() %}
    {%- if execute -%}
        {%- set spec = leadscore.var_spec() -%}
        {%- set problems = [] -%}
        {%- for name in spec | sort -%}
            {%- set value = var(name) -%}
            {%- set wanted = leadscore.var_problem(value, spec[name]) -%}
            {%- if wanted -%}
                {%- do problems.append("var " ~ name ~ " must be " ~ wanted
                    ~ "; got " ~ leadscore.shown_value(value)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error(
                "Configuration: " ~ problems | join("; ") ~ " (dbt_project.yml,"
                ~ " README 'Configuration'). Nothing was built."
            ) }}
        {%- endif -%}
        {%- for name in (invocation_args_dict.get('vars') or {}) | sort
            if name not in spec -%}
            {%- set closest = leadscore.closest_var_name(name, spec.keys()) -%}
            {{ log("leadscore: WARNING --vars sets '" ~ name ~ "', which is not a var"
                ~ " of this project and is ignored"
                ~ ("; did you mean '" ~ closest ~ "'?" if closest else "")
                ~ " (dbt_project.yml lists them).", info=true) }}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
