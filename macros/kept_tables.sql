{#- What the pre-hooks of the tables a daily build keeps share. -#}

{#- The table's columns (lower case) when the build adds to it; none on a
    build from scratch. -#}
{% macro kept_columns() -%}
    {{ return(adapter.get_columns_in_relation(this)
        | map(attribute='name') | map('lower') | list
        if is_incremental() else []) }}
{%- endmacro %}


{#- An md5 of the model's compiled code (every macro, var and seed name it
    renders), without the database's name: the same code in another
    warehouse file keeps the same key. -#}
{% macro compiled_code_md5() -%}
    {{ return(local_md5((model.compiled_code or '')
        .replace(adapter.quote(this.database) ~ '.', ''))) }}
{%- endmacro %}
