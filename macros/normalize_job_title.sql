{% macro normalize_job_title(job_title) -%}
    {#-
        SQL expression: a free-text job title in the canonical form that the
        regex rules of seeds/job_title_rules.csv are written against.
        Lower-case, accents removed, dotted initialisms joined (v.p. -> vp),
        '&' and '+' -> ' and ', every other non-alphanumeric -> a space, a
        few multi-word phrases shortened (vice president -> vp), then word
        by word: common typos fixed and abbreviations expanded (sr ->
        senior, svp -> senior vp, mgr -> manager, eng -> engineering, ...),
        a trailing level (ii, 3, l4) dropped and spaces collapsed. Returns
        '' for a title with no letters or digits, null for null.
    -#}
    {%- set phrases = [
        ("\\b(vice ?presidente?|vize ?prasident(in)?)\\b", "vp"),
        ("\\bhuman resources\\b", "hr"),
        ("\\bbiz dev\\b", "business development"),
    ] -%}
    {%- set words = {
        "sr": "senior", "snr": "senior",
        "jr": "junior", "jnr": "junior",
        "svp": "senior vp", "evp": "executive vp", "avp": "assistant vp",
        "gvp": "group vp",
        "dir": "director", "direcor": "director", "directer": "director",
        "drector": "director", "directr": "director", "dirctor": "director",
        "mgr": "manager", "mngr": "manager", "mgmr": "manager",
        "manger": "manager", "mangager": "manager", "mananger": "manager",
        "maneger": "manager", "managr": "manager",
        "mgmt": "management", "mgt": "management", "mngmt": "management",
        "eng": "engineering", "engr": "engineering", "engg": "engineering",
        "enginer": "engineer", "engeneer": "engineer", "enginner": "engineer",
        "engineeer": "engineer", "engeener": "engineer",
        "enigneer": "engineer",
        "mktg": "marketing", "mkt": "marketing", "mkting": "marketing",
        "markting": "marketing", "marekting": "marketing",
        "marketting": "marketing", "maketing": "marketing",
        "revops": "revenue operations", "salesops": "sales operations",
        "bizops": "business operations", "ops": "operations",
        "bd": "business development",
        "dev": "developer", "devloper": "developer",
        "developper": "developer", "develper": "developer",
        "sofware": "software", "softwear": "software", "softare": "software",
        "sw": "software",
        "analist": "analyst", "anaylst": "analyst",
        "presidnet": "president", "presdient": "president",
        "cheif": "chief",
        "exec": "executive", "excecutive": "executive",
        "executve": "executive", "exective": "executive",
        "offcer": "officer", "oficer": "officer",
        "spec": "specialist", "specalist": "specialist",
        "specilist": "specialist",
        "consultent": "consultant", "consulant": "consultant",
        "coord": "coordinator", "cordinator": "coordinator",
        "coordinater": "coordinator",
        "acct": "account", "acc": "account",
        "admin": "administrator",
        "assoc": "associate",
        "asst": "assistant",
        "rep": "representative",
        "intl": "international",
        "hrbp": "hr business partner",
        "sde": "software engineer", "swe": "software engineer",
        "gm": "general manager",
        "md": "managing director",
        "csm": "customer success manager",
        "cofounder": "co founder",
    } -%}
    {%- set ns = namespace(
        expression="lower(" ~ leadscore.remove_accents(job_title) ~ ")") -%}
    {%- for pattern, replacement in [
        ("\\b([a-z])\\.\\s?([a-z])\\.(\\s?([a-z])\\.)?", "\\1\\2\\4"),
        ("[&+]", " and "),
        ("[^a-z0-9]+", " "),
    ] + phrases -%}
        {%- set ns.expression = leadscore.regexp_replace_all(
            ns.expression,
            leadscore.sql_string(pattern),
            leadscore.sql_string(replacement)) -%}
    {%- endfor -%}
    {%- set ns.expression = leadscore.replace_words(ns.expression, words) -%}
    {%- for pattern, replacement in [
        (" +", " "),
        (" (i|ii|iii|iv|v|[1-9]|l[1-9]) *$", ""),
    ] -%}
        {%- set ns.expression = leadscore.regexp_replace_all(
            ns.expression,
            leadscore.sql_string(pattern),
            leadscore.sql_string(replacement)) -%}
    {%- endfor -%}
    trim({{ ns.expression }})
{%- endmacro %}
