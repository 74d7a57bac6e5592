{% test equal_row_count(model, compare_model) %}
    {#-
        Fails when `model` and `compare_model` hold different numbers of
        rows: guards a model that must keep exactly one row per row of its
        parent (a join that fans out or drops rows). Returns one row, with
        both counts, when they differ.
    -#}
    with

    model_rows as (

        select count(*) as row_count from {{ model }}

    ),

    compare_model_rows as (

        select count(*) as row_count from {{ compare_model }}

    )

    select
        model_rows.row_count as model_row_count,
        compare_model_rows.row_count as compare_model_row_count
    from model_rows
    cross join compare_model_rows
    where model_rows.row_count <> compare_model_rows.row_count
{% endtest %}
