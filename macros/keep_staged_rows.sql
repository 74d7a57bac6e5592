{#- Staged activity rows kept from one build to the next.

    base_crm__activities is incremental: every row carries row_identity
    (its cleaned activity_id; a row without one is its own identity),
    raw_fingerprint (a hash of every raw column) and staging_key (below).
    On a build on yesterday's warehouse the pre-hook keep_staged_rows()
    compares the export with the table by groups of identities (a group
    is a range of an identity's hash, about 16 rows of the table each; per
    group the multiset of fingerprints: how many rows, which): a group
    whose rows are all unchanged is kept as staged; any other (holding a
    new, edited, removed or repeated row) is deleted, with the groups of
    rows rejected as 'occurred_at in the future' whose time has come (a
    row still in the future would be rejected again the same), and the
    model stages again every row of the groups it no longer holds
    (staged_rows_filter()). Groups, not single identities: counting 66M
    identities on both sides cost more than staging a few rows again. All
    the copies of one activity_id are in one group and staged together
    (de-duplication ranks them), so the kept and the new rows are what a
    build from scratch gives.

    staging_key: an md5 of the model's compiled code after the raw read
    (every macro, var and seed it renders, e.g. the placeholders, the
    page rules; not the export's folder, not the database's name) and of
    the activity_types seed's rows, which the pre-hook hands to the model
    (a temporary table) for the rows it adds. A different key (a new version, a changed setting or seed),
    a table from before the key, or rows without it empty the table: it is
    staged again whole. The log says which
    (`leadscore: base_crm__activities kept: ...` or `rebuilt: ...`). -#}

{#- The text in the model's compiled code where staging starts (after the
    raw read, which names the export's location: a new folder is not a
    new version). -#}
{% macro staged_rows_marker() -%}
    {{ return('-- staged from here') }}
{%- endmacro %}


{#- The raw rows of `relation` (a CTE of the export) with their identity
    and fingerprint: `source` (the raw row), `activity_id` (cleaned),
    `raw_fingerprint` and `row_identity` (the cleaned activity_id, or the
    row itself when it has none). The model stages from it, the pre-hook
    compares the export with the table through it; the model's key covers
    its compiled code from here on. -#}
{% macro staged_rows_identified(relation) -%}
    {{ leadscore.staged_rows_marker() }}: the key of the kept rows covers what follows
    select
        *,
        coalesce(
            activity_id,
            'row ' || cast(raw_fingerprint as {{ dbt.type_string() }})
        ) as row_identity,
        {% if model.resource_type == 'unit_test' -%}
            cast(null as {{ dbt.type_string() }})
        {%- else -%}
            (select staging_key from leadscore_staging_key)
        {%- endif %} as staging_key
    from (
        select
            {{ relation }} as source,
            {{ leadscore.clean_text(relation ~ '.activity_id') }} as activity_id,
            {{ leadscore.raw_row_fingerprint(relation) }} as raw_fingerprint
        from {{ relation }}
    ) as fingerprinted
{%- endmacro %}


{#- A hash of every column of a raw row (relation alias as a row). -#}
{% macro raw_row_fingerprint(alias) -%}
    {{ return(adapter.dispatch('raw_row_fingerprint', 'leadscore')(alias)) }}
{%- endmacro %}

{% macro default__raw_row_fingerprint(alias) -%}
    {%- set columns = [] -%}
    {%- for column in leadscore.contract_tables()['activities'].columns -%}
        {%- do columns.append(alias ~ '.' ~ column[0]) -%}
    {%- endfor -%}
    {{ leadscore.row_hash(columns + [alias ~ '._raw_line_problem', alias ~ '._raw_line_text']) }}
{%- endmacro %}

{% macro duckdb__raw_row_fingerprint(alias) -%}
    hash({{ alias }})
{%- endmacro %}


{#- The group of an identity, for the comparison of the export with the
    table: the top bits of its hash (`shift` the bits dropped, an integer
    or an expression). Without the hash, every identity is its own group. -#}
{% macro identity_group(expression, shift) -%}
    {{ return(adapter.dispatch('identity_group', 'leadscore')(expression, shift)) }}
{%- endmacro %}

{% macro default__identity_group(expression, shift) -%}
    {{ expression }}
{%- endmacro %}

{% macro duckdb__identity_group(expression, shift) -%}
    hash({{ expression }}) >> {{ shift }}
{%- endmacro %}


{#- The sum of a group's fingerprints (wide enough for any group). -#}
{% macro fingerprint_total(column) -%}
    {{ return(adapter.dispatch('fingerprint_total', 'leadscore')(column)) }}
{%- endmacro %}

{% macro default__fingerprint_total(column) -%}
    sum(cast({{ column }} as {{ dbt.type_numeric() }}))
{%- endmacro %}

{% macro duckdb__fingerprint_total(column) -%}
    sum(cast({{ column }} as hugeint))
{%- endmacro %}


{#- The model's filter on an incremental build: when the pre-hook kept the
    table, only the groups it deleted or found new (leadscore_restaged);
    when it emptied it, every row. -#}
{% macro staged_rows_filter() -%}
    {#- (a unit test has no table: is_incremental() would fail there; a
        table from before the identity is emptied by the pre-hook) -#}
    {%- if model.resource_type != 'unit_test' and is_incremental()
        and 'row_identity' in (adapter.get_columns_in_relation(this)
            | map(attribute='name') | map('lower') | list) -%}
        where
            not (select keeps_rows from leadscore_staging_key)
            or {{ leadscore.identity_group('identified.row_identity',
                '(select group_shift from leadscore_staging_key)') }}
            in (select identity_group from leadscore_restaged)
    {%- endif -%}
{%- endmacro %}


{#- The key of this version's staging (see the top of this file). -#}
{% macro staging_key() -%}
    {%- set parts = (model.compiled_code or '').split(leadscore.staged_rows_marker()) -%}
    {%- if parts | length != 2 -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": its compiled code must hold '"
            ~ leadscore.staged_rows_marker() ~ "' once (macros/keep_staged_rows.sql)") }}
    {%- endif -%}
    {%- set types = run_query(
        "select string_agg(activity_type, ',' order by activity_type) from "
        ~ ref('activity_types')).rows[0][0] -%}
    {#- without the filter of a build that keeps rows, nor the database's
        name in relation names (a copied or renamed warehouse file) -#}
    {%- set code = parts[1].replace(leadscore.staged_rows_filter(), '')
        .replace(adapter.quote(this.database) ~ '.', '') -%}
    {{ return(local_md5(code ~ '|' ~ types)) }}
{%- endmacro %}


{#- The pre-hook: this version's key for the rows the model adds (a
    temporary table the model reads), then keep or empty the table. -#}
{% macro keep_staged_rows() -%}
    {%- set why = "a build from scratch" -%}
    {%- if execute -%}
        {#- what the model reads: the key of the rows it adds, and whether the
            table is kept (then it stages only leadscore_restaged) -#}
        {%- set key = leadscore.staging_key() -%}
        {%- do run_query("create or replace temporary table leadscore_staging_key as"
            ~ " select '" ~ key ~ "' as staging_key,"
            ~ " false as keeps_rows, 56 as group_shift") -%}
    {%- endif -%}
    {%- if execute and is_incremental() -%}
        {%- set columns = adapter.get_columns_in_relation(this)
            | map(attribute='name') | map('lower') | list -%}
        {%- set why = none -%}
        {%- if 'staging_key' not in columns or 'row_identity' not in columns -%}
            {%- set why = "it was built by a version that kept no rows" -%}
        {%- else -%}
            {%- set found = run_query(
                "select count(*), count(staging_key), count(distinct staging_key),"
                ~ " any_value(staging_key) from " ~ this).rows[0] -%}
            {%- if found[0] == 0 -%}
                {%- set why = "it holds no rows" -%}
            {%- elif found[1] < found[0] or found[2] != 1 -%}
                {%- set why = "a build stopped while staging" -%}
            {%- elif found[3] != key -%}
                {%- set why = "its code, a setting or the activity_types seed changed" -%}
            {%- endif -%}
        {%- endif -%}
        {%- if why is none -%}
            {#- groups of about 16 of the table's rows: few to stage again
                around each change, few to count -#}
            {%- set bits = namespace(n=8) -%}
            {%- for b in range(8, 41) if 2 ** b * 16 < found[0] -%}
                {%- set bits.n = b + 1 -%}
            {%- endfor -%}
            {%- set shift = 64 - bits.n -%}
            {%- set group = leadscore.identity_group('row_identity', shift) -%}
            {%- set changed -%}
                with

                source as (
                    {{ leadscore.raw_table('activities') }}
                ),

                exported as (
                    {{ leadscore.staged_rows_identified('source') }}
                ),

                -- per group: how many rows, and which (an order-free sum)
                now_rows as (
                    select
                        {{ group }} as identity_group,
                        count(*) as n_rows,
                        {{ leadscore.fingerprint_total('raw_fingerprint') }} as total
                    from exported
                    group by 1
                ),

                staged_rows as (
                    select
                        {{ group }} as identity_group,
                        count(*) as n_rows,
                        {{ leadscore.fingerprint_total('raw_fingerprint') }} as total
                    from {{ this }}
                    group by 1
                )

                select coalesce(now_rows.identity_group, staged_rows.identity_group)
                    as identity_group
                from now_rows
                full outer join staged_rows
                    on now_rows.identity_group = staged_rows.identity_group
                where
                    now_rows.n_rows is distinct from staged_rows.n_rows
                    or now_rows.total is distinct from staged_rows.total
                union
                -- rows rejected as in the future whose time has come
                select {{ group }}
                from {{ this }}
                where
                    rejection_reason = 'occurred_at in the future'
                    and occurred_at <= current_timestamp
            {%- endset -%}
            {%- do run_query("create or replace temporary table leadscore_restaged as "
                ~ changed) -%}
        {%- else -%}
            {{ log("leadscore: " ~ this.identifier ~ " rebuilt: " ~ why, info=true) }}
        {%- endif -%}
    {%- endif -%}
    {%- if execute -%}
        {%- if why is none -%}
            {%- do run_query("update leadscore_staging_key set keeps_rows = true,"
                ~ " group_shift = " ~ shift) -%}
            {%- set deleted = run_query("delete from " ~ this ~ " where "
                ~ leadscore.identity_group('row_identity', shift)
                ~ " in (select identity_group from leadscore_restaged)").rows[0][0] -%}
            {%- set counted = run_query(
                "select count(*) from leadscore_restaged").rows[0][0] -%}
            {{ log("leadscore: " ~ this.identifier ~ " kept "
                ~ "{:,}".format(found[0] - deleted) ~ " staged rows: the export differs in "
                ~ "{:,}".format(counted) ~ " of " ~ "{:,}".format(2 ** bits.n)
                ~ " groups of activities (a new, changed, removed or repeated row);"
                ~ " staging those groups again (" ~ "{:,}".format(deleted)
                ~ " rows of the table)", info=true) }}
        {%- else -%}
            {%- do run_query("create or replace temporary table leadscore_restaged as"
                ~ " select " ~ leadscore.identity_group("''", 0) ~ " as identity_group"
                ~ " where false") -%}
            {%- if is_incremental() -%}
                delete from {{ this }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}