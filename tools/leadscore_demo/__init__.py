"""Demo CRM generator: a realistic B2B SaaS CRM with known true conversion probabilities.

Run ``PYTHONPATH=tools python -m leadscore_demo --out data/demo``; see ``--help``. It is a
development tool beside the project, not part of the ``leadscore`` package.
It writes the six tables of the input contract (shared/CONTRACT.md) as ``<table>.csv`` or
``<table>.parquet``: leads, accounts, activities, opportunities, sales_reps, lead_feedback.
It also writes ``<out>/_truth/``, which the pipeline never reads:
``lead_propensity.parquet`` (the truth below) and ``lead_attributes.parquet`` (each lead's
true account, seniority, function, segment, region, canonical source, junk flags and fit,
for checking title and company normalisation). The same arguments give byte-identical files.
The data covers ``--history-days`` (default 730) ending at ``--end-date``. Nothing is
after the end date except deliberate "future timestamp" dirt.

What drives conversion
----------------------
Everything that drives a lead's conversion can be observed in the data, so a learned model
can approach the truth but never beat it.

*Fit* (static, in log-hazard units): industry, company size, the tech stack (a cloud
warehouse or a partner tool helps), seniority x company size (founders and C-level buy at
small companies, VPs and directors at large ones), function (data and engineering most),
region and lead source, all scaled by 0.6. Then near-vetoes: students (-4), personal
e-mail addresses (-2), companies that use a competitor's product (-3) and competitors' own
staff (-6). These almost never convert.

*Behaviour* is self-exciting (simulate.py). Each event raises the lead's research and buying
excitement (half-lives 10 and 5 days), which raise the rates of further events. Buying
excitement mostly raises pricing views and hand-raising (demo request, contact sales, trial,
meeting). On top of this comes a baseline of marketing-driven browsing that fades as the lead
ages. Weekdays are busier than weekends. Events of a day cluster into sessions at business
hours in the lead's region. Good fits are more active, students and competitors browse a lot.
Every rate depends only on the lead's persona and its own past events.

*Daily conversion hazard* (hazard.py), from the state at the end of the previous day:
``h = exp(static + fit + new_lead) * (B0 + S + webinar + hand_raises + pricing_burst)``.
S is a 14-day half-life decayed count of behavioural events. Every event counts a little
(0.25), pricing pages more (+1) and comparison pages more (+0.6). Blog posts, whitepapers and
videos count nothing extra. Docs pages count (+1.5) only for engineering, data and IT people
at mid-market and enterprise accounts. Attended webinars count only for enterprise accounts
(half-life 30 days). Hand-raises count 10 + 4 + 1.5 within the last 7 / 21 / 35 days, so
they are strong but only while recent. Three or more pricing views in the last 7 days add a
burst term (6). Because the behaviour multiplies the fit, a points table (a sum of points)
misses most of this. A model over windowed counts, recency, decayed engagement and fit
captures it.

A lead is disqualified by sales at a hazard set by fit and age only. Junk leads go in their
first weeks. Leads older than 6 months may be closed as stale. Roughly 17% of leads convert
over their lifetime, mostly within 90 days of creation, and about 6% of the open leads at a
typical as-of date convert within the next 90 days. Once converted, a lead gets no more
marketing e-mail. It shows fading product and docs activity as a new customer for about a
month. Some converted leads get opportunities (a few opportunities have no lead), and sales
leaves verdicts in lead_feedback.

The truth: ``_truth/lead_propensity.parquet``
---------------------------------------------
It has one row per (lead_id, as_of_date), for every Monday of the last 12 months of data
and for the end date. Rows exist only for leads that existed and were neither converted nor
disqualified at the end of that day. ``as_of_date`` D means everything observable up to
D 23:59:59 UTC. ``true_probability`` is P(converted_at falls within the 90 days after D,
i.e. before D+91 00:00 | everything observable at the end of D). It is computed by walking
the next 90 days with the *expected* observable state. The expected events of each day
follow exactly from the expected excitement, because the process is linear in it. The
expected hazard is linear in the counters, and the pricing-burst indicator uses a Poisson
tail. Conversion and disqualification are combined day by day exactly as the simulation
draws them. The one approximation is Jensen's: E[1 - exp(-h)] is replaced by
1 - exp(-E[h]). The truth is calibrated for the lower 60% of rows and overstates the
hottest leads by up to a third. In the top decile of a 100k-lead run it predicted 0.41
where 0.30 were observed. So the truth is close to the best possible forecast from the
data, not an oracle of future activity.

Measured on 100,000 leads (6.6M activities), at every 4th Monday: the truth has AUC 0.843.
HistGradientBoosting over 7/21/35/90-day counts, recency and decayed sums per activity kind,
plus fit attributes, reached 0.831 (0.986 x truth) when trained on the other half of the
leads. The true fit score alone has AUC 0.786, and a naive points table 0.687.

Dirt (``--dirt-rate``, default 0.03: about that share of rows per table)
-----------------------------------------------------------------------
Leads get older and newer re-exports of the same lead_id (the latest ``updated_at`` is
the truth), exact duplicate rows, extra rows with a null lead_id or created_at, malformed
e-mail addresses (these bounce), placeholders ("Select", "N/A", "-", ...) and
casing/whitespace noise in text. Activities get exact re-exports (duplicate activity_id),
extra rows with nulls in required columns, future timestamps (up to 3 years ahead), unknown
lead ids, timestamps before the lead was created, unknown types ("chat_started") and
respellings of known types ("PAGE_VIEW", " email_open ", "Page View"). Accounts get
placeholders and casing noise. Dirt only adds rows or respells values, so the truth stays
the truth. ``--dirt-rate 0`` gives clean data.

Scale
-----
Leads are generated in chunks of 50,000, interleaved in time. Each chunk is simulated
(vectorised numpy), written and dropped, so memory does not grow with ``--leads``. Output
depends on the chunk size, which is fixed unless the hidden ``--chunk-size`` is set.
"""
