{#-
    The input contract (shared/CONTRACT.md) in one place: for every table,
    whether it is required and its columns with type and whether required.
    Types: text, timestamp, integer, double, boolean.
-#}
{% macro contract_tables() %}
    {{ return({
        "leads": {
            "required": true,
            "key": "lead_id",
            "columns": [
                ["lead_id", "text", true],
                ["email", "text", false],
                ["first_name", "text", false],
                ["last_name", "text", false],
                ["job_title", "text", false],
                ["company_name", "text", false],
                ["account_id", "text", false],
                ["country", "text", false],
                ["lead_source", "text", false],
                ["created_at", "timestamp", true],
                ["updated_at", "timestamp", false],
                ["converted_at", "timestamp", false],
                ["disqualified_at", "timestamp", false],
                ["is_disqualified", "boolean", false],
                ["is_converted", "boolean", false],
                ["email_opt_out", "boolean", false],
                ["owner_id", "text", false],
            ],
        },
        "accounts": {
            "required": false,
            "key": "account_id",
            "columns": [
                ["account_id", "text", true],
                ["company_name", "text", false],
                ["domain", "text", false],
                ["industry", "text", false],
                ["employee_count", "integer", false],
                ["annual_revenue", "double", false],
                ["country", "text", false],
                ["technologies", "text", false],
            ],
        },
        "activities": {
            "required": false,
            "key": "activity_id",
            "columns": [
                ["activity_id", "text", true],
                ["lead_id", "text", true],
                ["occurred_at", "timestamp", true],
                ["activity_type", "text", true],
                ["url", "text", false],
                ["device_type", "text", false],
                ["campaign", "text", false],
            ],
        },
        "opportunities": {
            "required": false,
            "key": "opportunity_id",
            "columns": [
                ["opportunity_id", "text", true],
                ["lead_id", "text", false],
                ["account_id", "text", false],
                ["created_at", "timestamp", false],
                ["closed_at", "timestamp", false],
                ["is_won", "boolean", false],
                ["amount", "double", false],
            ],
        },
        "sales_reps": {
            "required": false,
            "key": "rep_id",
            "columns": [
                ["rep_id", "text", true],
                ["name", "text", false],
                ["email", "text", false],
                ["segment", "text", false],
                ["region", "text", false],
                ["daily_capacity", "integer", false],
                ["is_active", "boolean", false],
            ],
        },
        "lead_feedback": {
            "required": false,
            "key": "lead_id",
            "columns": [
                ["lead_id", "text", true],
                ["rep_id", "text", false],
                ["given_at", "timestamp", false],
                ["verdict", "text", false],
                ["reason", "text", false],
            ],
        },
    }) }}
{% endmacro %}


{#- The base model that holds every raw row of a contract table with its
    final rejection reason: activities and lead feedback are also checked
    against the leads (base_crm__<table>_checked), the other tables need no
    second step. What rejected_rows, unreadable_values and reconciliation
    read. -#}
{% macro checked_base_model(table_name) %}
    {{ return(ref(
        'base_crm__' ~ table_name
        ~ ('_checked' if table_name in ('activities', 'lead_feedback') else '')
    )) }}
{% endmacro %}
