"""Static vocabularies of the demo CRM: industries, countries, tools, names, titles, URLs.

Pure data, no logic: every list here is small and edited by hand. Index positions matter
(the simulation refers to entries by index), so append rather than reorder.
"""

from __future__ import annotations

VENDOR_DOMAIN = "example-data.com"
SITE = f"https://www.{VENDOR_DOMAIN}"

# fmt: off
# (hand-edited data tables: keep them compact)

# --- accounts ------------------------------------------------------------------------------

# (name, relative frequency, hidden fit in log-hazard units, revenue per employee in USD)
INDUSTRIES: tuple[tuple[str, float, float, float], ...] = (
    ("Software", 0.22, 0.55, 260_000),
    ("Financial Services", 0.11, 0.45, 420_000),
    ("Healthcare", 0.09, 0.0, 180_000),
    ("Retail", 0.09, 0.1, 210_000),
    ("Manufacturing", 0.09, -0.15, 240_000),
    ("Education", 0.06, -0.6, 90_000),
    ("Government", 0.04, -0.8, 120_000),
    ("Media", 0.05, 0.2, 200_000),
    ("Telecommunications", 0.04, 0.25, 380_000),
    ("Professional Services", 0.08, 0.1, 150_000),
    ("Logistics", 0.04, 0.0, 190_000),
    ("Energy", 0.03, -0.2, 650_000),
    ("Insurance", 0.04, 0.3, 390_000),
    ("Non-Profit", 0.02, -0.9, 70_000),
)

# Regions: (name, frequency, hidden fit, UTC offset of the business day in hours)
REGIONS: tuple[tuple[str, float, float, int], ...] = (
    ("north_america", 0.48, 0.1, -5),
    ("emea", 0.30, 0.0, 1),
    ("latam", 0.08, -0.3, -3),
    ("apac", 0.14, -0.2, 7),
)

# (iso code, region index, weight within region, spellings as they appear in exports,
#  legal-form suffix used in company names, top-level domain)
COUNTRIES: tuple[tuple[str, int, float, tuple[str, ...], str, str], ...] = (
    ("US", 0, 0.86, ("United States", "US", "usa", "United States of America", "U.S."), "Inc",
     "com"),
    ("CA", 0, 0.14, ("Canada", "CA", "canada"), "Inc", "ca"),
    ("GB", 1, 0.30, ("United Kingdom", "GB", "UK", "united kingdom"), "Ltd", "co.uk"),
    ("DE", 1, 0.24, ("Germany", "DE", "Deutschland", "germany"), "GmbH", "de"),
    ("FR", 1, 0.16, ("France", "FR", "france"), "SAS", "fr"),
    ("NL", 1, 0.12, ("Netherlands", "NL", "The Netherlands"), "BV", "nl"),
    ("ES", 1, 0.08, ("Spain", "ES", "España"), "SL", "es"),
    ("SE", 1, 0.10, ("Sweden", "SE", "sweden"), "AB", "se"),
    ("BR", 2, 0.55, ("Brazil", "BR", "Brasil"), "Ltda", "com.br"),
    ("MX", 2, 0.30, ("Mexico", "MX", "México"), "SA de CV", "mx"),
    ("AR", 2, 0.15, ("Argentina", "AR"), "SA", "com.ar"),
    ("IN", 3, 0.40, ("India", "IN", "india"), "Pvt Ltd", "in"),
    ("AU", 3, 0.30, ("Australia", "AU", "australia"), "Pty Ltd", "com.au"),
    ("JP", 3, 0.15, ("Japan", "JP"), "KK", "jp"),
    ("SG", 3, 0.15, ("Singapore", "SG"), "Pte Ltd", "sg"),
)

# Technologies: (name, kind, base adoption probability, extra with size).
# kind: "warehouse" (a cloud warehouse: good fit), "partner" (integrates with us: good fit),
# "competitor" (already bought a rival: very poor fit), "other" (neutral).
TECHNOLOGIES: tuple[tuple[str, str, float, float], ...] = (
    ("Salesforce", "other", 0.30, 0.35),
    ("HubSpot", "other", 0.35, -0.20),
    ("Snowflake", "warehouse", 0.12, 0.30),
    ("BigQuery", "warehouse", 0.10, 0.12),
    ("Databricks", "warehouse", 0.05, 0.22),
    ("Redshift", "warehouse", 0.06, 0.10),
    ("dbt", "partner", 0.08, 0.18),
    ("Fivetran", "partner", 0.06, 0.15),
    ("Tableau", "other", 0.12, 0.25),
    ("Looker", "other", 0.08, 0.12),
    ("PowerBI", "other", 0.15, 0.20),
    ("Segment", "other", 0.08, 0.06),
    ("Marketo", "other", 0.05, 0.20),
    ("Pardot", "other", 0.05, 0.10),
    ("AWS", "other", 0.35, 0.30),
    ("Azure", "other", 0.18, 0.30),
    ("GCP", "other", 0.12, 0.10),
    ("Zendesk", "other", 0.15, 0.05),
    ("Slack", "other", 0.40, 0.10),
    ("Shopify", "other", 0.08, -0.05),
    ("WordPress", "other", 0.25, -0.15),
    ("CompetitorX", "competitor", 0.025, 0.02),
    ("Madkudu", "competitor", 0.012, 0.0),
    ("6sense", "competitor", 0.010, 0.03),
)

NAME_FIRST = (
    "Blue", "North", "Bright", "Silver", "Red", "Green", "Iron", "Golden", "Clear", "Swift",
    "Summit", "Harbor", "Pine", "Oak", "Cedar", "River", "Stone", "Maple", "Eagle", "Falcon",
    "Nova", "Stellar", "Quantum", "Apex", "Vertex", "Prime", "Core", "Atlas", "Orion", "Polar",
    "Sun", "Moon", "Star", "Sky", "Cloud", "Ocean", "Delta", "Alpha", "Beta", "Omega",
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Wonka",
    "Tyrell", "Cyber", "Data", "Info", "Meta", "Hyper", "Ultra", "Micro", "Macro", "Nano",
    "Pixel", "Signal", "Vector", "Matrix", "Fusion", "Spark", "Flux", "Pulse", "Echo", "Zen",
    "Terra", "Aqua", "Ember", "Frost", "Granite", "Copper", "Cobalt", "Indigo", "Crimson",
    "Amber", "Jade", "Onyx", "Ruby", "Sapphire", "Topaz", "Coral", "Willow", "Aspen",
    "Birch", "Lark", "Wren", "Heron", "Otter", "Lynx", "Bison", "Kestrel", "Raven", "Sparrow",
    "Meridian", "Horizon", "Pinnacle", "Keystone", "Beacon", "Lighthouse", "Compass", "Anchor",
    "Bridge", "Canyon", "Prairie", "Tundra", "Sierra", "Alpine", "Coastal", "Valley", "Lake",
    "Brook", "Forest", "Meadow", "Urban", "Metro", "Civic", "Royal", "Noble", "Grand",
    "Pioneer", "Frontier", "Liberty", "Unity", "Harmony", "Vivid", "Lumen", "Nimbus", "Zephyr",
    "Boreal", "Tidal", "Solar", "Lunar", "Astral", "Cosmic", "Kinetic", "Rapid", "Agile",
)
NAME_SECOND = (
    "Harbor", "Bridge", "Point", "Works", "Labs", "Field", "Gate", "Ridge", "Wave", "Path",
    "Stack", "Base", "Line", "Light", "Mark", "Peak", "Rock", "Shift", "Side", "Stream",
    "Forge", "Grid", "Hub", "Loop", "Mind", "Nest", "Port", "Scale", "Scope", "Sphere",
    "Trail", "Tree", "Vale", "View", "Way", "Wind", "Wing", "Yard", "Crest", "Dale",
    "Flow", "Frame", "Gear", "Key", "Leaf", "Link", "Mile", "Pod", "Quest", "Root",
    "Sail", "Seed", "Signal", "Spring", "Star", "Step", "Tide", "Tower", "Track", "Vista",
    "Bay", "Bloom", "Cast", "Craft", "Dock", "Edge", "Fort", "Glen", "Haven", "Isle",
    "Jet", "Kind", "Lane", "Mesa", "Mint", "Nexus", "Oasis", "Pier", "Range", "Shore",
)
# last word of a company name: generic, or typical of the industry (vocab.INDUSTRIES order)
NAME_THIRD_GENERIC = ("Group", "Partners", "Holdings", "Global", "Labs", "Works", "Systems",
                      "Solutions", "Technologies", "Dynamics", "Ventures", "Co", "Industries")
NAME_THIRD_BY_INDUSTRY: tuple[tuple[str, ...], ...] = (
    ("Software", "Analytics", "Cloud", "Data", "Digital", "AI", "Apps", "Networks"),
    ("Capital", "Financial", "Bank", "Payments", "Wealth", "Credit"),
    ("Health", "Medical", "Pharma", "Care", "Clinics", "Biotech"),
    ("Retail", "Brands", "Stores", "Commerce", "Goods", "Outfitters"),
    ("Manufacturing", "Motors", "Materials", "Robotics", "Components", "Machines"),
    ("Learning", "Academy", "Education", "Institute", "School"),
    ("Agency", "Authority", "Services", "Council", "Administration"),
    ("Media", "Studios", "Interactive", "Publishing", "Entertainment"),
    ("Telecom", "Networks", "Communications", "Wireless", "Connect"),
    ("Consulting", "Advisors", "Associates", "Legal", "Strategy"),
    ("Logistics", "Freight", "Shipping", "Transport", "Supply"),
    ("Energy", "Power", "Renewables", "Utilities", "Oil & Gas"),
    ("Insurance", "Assurance", "Mutual", "Underwriters", "Risk"),
    ("Foundation", "Trust", "Alliance", "Society", "Fund"),
)

UNIVERSITIES = (
    "Stanford University", "University of Michigan", "MIT", "TU Munich", "ETH Zurich",
    "University of Toronto", "Universidade de São Paulo", "IIT Bombay", "University of Sydney",
    "Imperial College London", "Sorbonne Université", "UC Berkeley", "NYU", "KTH",
    "University of Amsterdam", "National University of Singapore",
)
INDIVIDUAL_COMPANIES = ("Self-employed", "Freelance", "Independent Consultant", "Personal")

FREE_MAIL = (
    ("gmail.com", 0.55), ("yahoo.com", 0.12), ("outlook.com", 0.12), ("hotmail.com", 0.10),
    ("icloud.com", 0.05), ("proton.me", 0.03), ("gmx.de", 0.03),
)

FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty",
    "Mark", "Sandra", "Steven", "Ashley", "Paul", "Emily", "Andrew", "Michelle", "Joshua",
    "Amanda", "Kevin", "Melissa", "Brian", "Stephanie", "Priya", "Rahul", "Ananya", "Arjun",
    "Wei", "Li", "Yuki", "Hiroshi", "Sakura", "Kenji", "Mei", "Chen", "Jin", "Min-jun",
    "Lucas", "Sofia", "Mateo", "Valentina", "Gabriel", "Isabella", "Santiago", "Camila",
    "Diego", "Lucia", "Pedro", "Ana", "João", "Beatriz", "Miguel", "Carmen", "Hans", "Anna",
    "Lukas", "Lena", "Felix", "Marie", "Jonas", "Laura", "Pierre", "Camille", "Louis",
    "Chloé", "Hugo", "Léa", "Oliver", "Amelia", "Harry", "Olivia", "George", "Isla", "Noah",
    "Emma", "Liam", "Ava", "Ethan", "Mia", "Aiden", "Zoe", "Omar", "Fatima", "Ahmed",
    "Aisha", "Mohammed", "Leila", "Erik", "Astrid", "Lars", "Ingrid", "Sven", "Freya",
    "Dmitri", "Olga", "Ivan", "Natasha", "Kwame", "Amara", "Chidi", "Ngozi", "Tariq", "Nadia",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
    "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
    "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson",
    "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Sharma",
    "Gupta", "Singh", "Kumar", "Reddy", "Iyer", "Wang", "Zhang", "Liu", "Chen", "Yang",
    "Huang", "Tanaka", "Suzuki", "Sato", "Watanabe", "Kim", "Park", "Choi", "Silva",
    "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Ferreira", "Almeida", "Müller",
    "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Dubois",
    "Durand", "Lefebvre", "Moreau", "Laurent", "Bernard", "O'Brien", "Murphy", "Kelly",
    "Walsh", "Byrne", "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsen",
    "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Novak", "Kowalski", "Nowak",
    "Ivanov", "Petrov", "Okafor", "Mensah", "Haddad", "Khan", "Ali", "Hussain", "Rossi",
    "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Cohen", "Levi", "Friedman",
)

# --- people ----------------------------------------------------------------------------------

# Seniority levels: (name, hidden fit by segment smb / mid_market / enterprise)
SENIORITIES: tuple[tuple[str, tuple[float, float, float]], ...] = (
    ("c_level", (0.6, 0.2, -0.3)),
    ("vp", (0.3, 0.5, 0.65)),
    ("director", (0.2, 0.5, 0.5)),
    ("manager", (0.0, 0.2, 0.2)),
    ("individual", (-0.3, -0.1, 0.0)),
    ("student", (-4.0, -4.0, -4.0)),
)
SENIORITY_FREQ_BY_SEGMENT = (
    (0.16, 0.08, 0.13, 0.22, 0.41),  # smb
    (0.06, 0.10, 0.16, 0.24, 0.44),  # mid_market
    (0.03, 0.09, 0.16, 0.25, 0.47),  # enterprise
)
SEGMENTS = ("smb", "mid_market", "enterprise")

# Functions: (name, frequency, hidden fit, is technical (docs matter))
FUNCTIONS: tuple[tuple[str, float, float, bool], ...] = (
    ("data", 0.21, 0.6, True),
    ("engineering", 0.19, 0.4, True),
    ("it", 0.08, 0.2, True),
    ("marketing", 0.15, 0.0, False),
    ("sales", 0.07, -0.4, False),
    ("executive", 0.05, 0.3, False),
    ("finance", 0.04, -0.5, False),
    ("hr", 0.03, -1.0, False),
    ("operations", 0.08, -0.3, False),
    ("product", 0.06, 0.1, False),
    ("other", 0.04, -0.5, False),
)

# Nouns used in titles, per function
FUNCTION_NOUNS: dict[str, tuple[str, ...]] = {
    "data": ("Data", "Data & Analytics", "Analytics", "Data Engineering", "Business Intelligence",
             "Data Science", "Data Platform"),
    "engineering": ("Engineering", "Software Engineering", "Platform Engineering", "Eng"),
    "it": ("IT", "Information Technology", "Infrastructure", "IT Operations"),
    "marketing": ("Marketing", "Growth", "Demand Generation", "Marketing Operations",
                  "Digital Marketing"),
    "sales": ("Sales", "Revenue", "Business Development", "Sales Operations"),
    "executive": ("Strategy", "Business", "Operations"),
    "finance": ("Finance", "FP&A", "Accounting"),
    "hr": ("People", "Human Resources", "Talent", "HR"),
    "operations": ("Operations", "RevOps", "Business Operations", "Supply Chain"),
    "product": ("Product", "Product Management", "Product Design"),
    "other": ("Customer Success", "Legal", "Procurement", "Research"),
}
C_LEVEL_TITLES: dict[str, tuple[str, ...]] = {
    "data": ("Chief Data Officer", "CDO", "Chief Analytics Officer"),
    "engineering": ("CTO", "Chief Technology Officer", "Co-Founder & CTO", "cto"),
    "it": ("CIO", "Chief Information Officer"),
    "marketing": ("CMO", "Chief Marketing Officer"),
    "sales": ("CRO", "Chief Revenue Officer", "Chief Sales Officer"),
    "executive": ("CEO", "Founder & CEO", "Co-Founder", "President", "Owner",
                  "Managing Director", "ceo", "Founder"),
    "finance": ("CFO", "Chief Financial Officer"),
    "hr": ("Chief People Officer", "CHRO"),
    "operations": ("COO", "Chief Operating Officer"),
    "product": ("Chief Product Officer", "CPO"),
    "other": ("Chief Customer Officer", "General Counsel"),
}
VP_PATTERNS = ("VP {f}", "VP of {f}", "Vice President, {f}", "Sr. VP {f}", "SVP {f}",
               "vp, {fl}", "VP - {f}", "EVP {f}", "Vice President of {f}")
DIRECTOR_PATTERNS = ("Director of {f}", "Director, {f}", "{f} Director", "Sr. Director {f}",
                     "Head of {f}", "Senior Director, {f}", "director {fl}", "Head of {f}")
MANAGER_PATTERNS = ("{f} Manager", "Manager, {f}", "Senior {f} Manager", "{f} Lead",
                    "Team Lead, {f}", "Sr. Manager {f}", "{fl} manager")
INDIVIDUAL_TITLES: dict[str, tuple[str, ...]] = {
    "data": ("Data Engineer", "Data Engineer II", "Senior Data Engineer", "Analytics Engineer",
             "Data Analyst", "Data Scientist", "BI Analyst", "Sr Data Analyst",
             "Machine Learning Engineer", "data engineer"),
    "engineering": ("Software Engineer", "Senior Software Engineer", "Backend Developer",
                    "DevOps Engineer", "Software Engineer II", "Staff Engineer",
                    "Full Stack Developer", "SWE", "Principal Engineer"),
    "it": ("Systems Administrator", "IT Specialist", "Database Administrator", "DBA",
           "Solutions Architect"),
    "marketing": ("Marketing Manager", "Marketing Specialist", "Content Marketer",
                  "Marketing Coordinator", "Growth Marketer", "Marketing Ops Specialist"),
    "sales": ("Account Executive", "SDR", "Sales Development Rep", "BDR",
              "Account Manager", "Sales Engineer"),
    "executive": ("Chief of Staff", "Business Analyst", "Strategy Analyst"),
    "finance": ("Financial Analyst", "Accountant", "Controller"),
    "hr": ("Recruiter", "HR Generalist", "Talent Acquisition Specialist"),
    "operations": ("Operations Analyst", "RevOps Analyst", "Operations Specialist"),
    "product": ("Product Manager", "Product Owner", "Senior Product Manager", "UX Designer"),
    "other": ("Consultant", "Customer Success Manager", "Researcher", "Other"),
}
STUDENT_TITLES = ("Student", "student", "MSc Student", "PhD Candidate", "Intern", "intern",
                  "Data Science Intern", "Graduate Student", "Research Assistant",
                  "Software Engineering Intern", "Student ", "Bootcamp Student")

# Lead sources: (canonical, frequency, hidden fit, spellings, first event it creates)
LEAD_SOURCES: tuple[tuple[str, float, float, tuple[str, ...], str | None], ...] = (
    ("paid_search", 0.17, 0.0, ("Paid Search", "paid search", "PPC", "Google Ads",
                                "paid_search"), "form_submit"),
    ("organic", 0.20, 0.05, ("Organic", "Organic Search", "organic", "SEO", "Website"),
     "form_submit"),
    ("webinar", 0.10, 0.1, ("Webinar", "webinar", "Webinar - Data Summit"),
     "webinar_registered"),
    ("referral", 0.05, 0.45, ("Referral", "referral", "Customer Referral"), None),
    ("partner", 0.05, 0.35, ("Partner", "partner referral", "Partner Referral"), None),
    ("event", 0.08, 0.2, ("Event", "Trade Show", "Conference", "event"), None),
    ("content_syndication", 0.12, -0.45, ("Content Syndication", "content syndication",
                                          "Syndication"), "content_download"),
    ("paid_social", 0.09, -0.2, ("Paid Social", "LinkedIn Ads", "linkedin", "Facebook Ads"),
     "content_download"),
    ("outbound", 0.08, -0.3, ("Outbound", "Cold Outbound", "SDR Outbound"), None),
    ("purchased_list", 0.06, -0.9, ("Purchased List", "List Import", "list upload"), None),
)

# --- activities ------------------------------------------------------------------------------

# Behavioural event categories drawn by the simulation (index = code). Each maps to an
# activity_type and a URL / campaign pool below.
BEHAVIOUR_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("pv_home", "page_view"),
    ("pv_blog", "page_view"),
    ("pv_product", "page_view"),
    ("pv_pricing", "page_view"),
    ("pv_docs", "page_view"),
    ("pv_compare", "page_view"),
    ("pv_customers", "page_view"),
    ("pv_careers", "page_view"),
    ("content_download", "content_download"),
    ("video_view", "video_view"),
    ("webinar_registered", "webinar_registered"),
    ("webinar_attended", "webinar_attended"),
    ("form_submit", "form_submit"),
    ("social_engagement", "social_engagement"),
    ("demo_request", "demo_request"),
    ("contact_sales", "contact_sales"),
    ("trial_signup", "trial_signup"),
    ("meeting_booked", "meeting_booked"),
)
# Email event categories (index continues after the behavioural ones)
EMAIL_CATEGORIES: tuple[str, ...] = (
    "email_delivered", "email_open", "email_click", "email_reply", "email_bounce",
    "email_unsubscribe",
)

BLOG_SLUGS = (
    "what-is-reverse-etl", "modern-data-stack-2026", "dbt-best-practices",
    "data-contracts-explained", "cdc-vs-batch", "snowflake-cost-optimization",
    "building-a-data-team", "lead-scoring-with-sql", "data-quality-checklist",
    "semantic-layer-guide", "streaming-101", "data-mesh-myths", "observability-for-pipelines",
    "hiring-analytics-engineers", "why-pipelines-break", "bigquery-vs-snowflake",
    "gdpr-for-data-teams", "customer-360", "ai-ready-data", "metrics-layer",
    "zero-etl-hype", "postgres-replication", "airflow-alternatives", "cost-of-bad-data",
)

PAGE_URLS: dict[str, tuple[str, ...]] = {
    "pv_home": (f"{SITE}/", f"{SITE}/?utm_source=google&utm_medium=cpc",
                f"https://{VENDOR_DOMAIN}", f"{SITE}/?ref=producthunt", f"{SITE}/about"),
    "pv_blog": (*(f"{SITE}/blog/{s}" for s in BLOG_SLUGS), f"{SITE}/blog",
                f"{SITE}/blog/{BLOG_SLUGS[0]}?utm_source=newsletter"),
    "pv_product": (f"{SITE}/product/pipelines", f"{SITE}/product/connectors",
                   f"{SITE}/product/warehouse-sync", f"{SITE}/product/governance",
                   f"{SITE}/platform", f"{SITE}/integrations/snowflake",
                   f"{SITE}/integrations/salesforce", f"{SITE}/integrations/hubspot",
                   f"{SITE}/security", f"{SITE}/product/reverse-etl"),
    "pv_pricing": (f"{SITE}/pricing", f"{SITE}/pricing?plan=team",
                   f"{SITE}/pricing?plan=enterprise", f"{SITE}/pricing#faq",
                   f"{SITE}/pricing?billing=annual", f"{SITE}/pricing/calculator"),
    "pv_docs": (f"{SITE}/docs/getting-started", f"{SITE}/docs/api/reference",
                f"{SITE}/docs/connectors/postgres", f"{SITE}/docs/sdk/python",
                f"https://docs.{VENDOR_DOMAIN}/guides/cdc",
                f"https://docs.{VENDOR_DOMAIN}/reference/cli", f"{SITE}/docs/security/sso",
                f"{SITE}/docs/destinations/snowflake"),
    "pv_compare": (f"{SITE}/compare/competitorx-vs-us", f"{SITE}/compare/madkudu-alternative",
                   f"{SITE}/compare/6sense", f"{SITE}/why-example-data",
                   f"{SITE}/compare/build-vs-buy"),
    "pv_customers": (f"{SITE}/customers", f"{SITE}/customers/acme-retail",
                     f"{SITE}/case-studies/fintech-pipeline", f"{SITE}/customers/healthcare",
                     f"{SITE}/customers/globex"),
    "pv_careers": (f"{SITE}/careers", f"{SITE}/careers/senior-data-engineer",
                   f"{SITE}/careers/account-executive", f"{SITE}/careers/internships"),
}

CONTENT_ASSETS = (
    ("Whitepaper: The ROI of Data Pipelines", "roi-of-data-pipelines"),
    ("Ebook: The Modern Data Stack Playbook", "modern-data-stack-playbook"),
    ("Report: State of Data Engineering 2026", "state-of-data-engineering-2026"),
    ("Report: State of Data Engineering 2025", "state-of-data-engineering-2025"),
    ("Checklist: Data Quality in 10 Steps", "data-quality-checklist"),
    ("Guide: Choosing a Cloud Warehouse", "choosing-a-cloud-warehouse"),
    ("Template: Data Team OKRs", "data-team-okrs"),
    ("Analyst Report: Data Integration Wave", "analyst-report-data-integration"),
)
VIDEO_SLUGS = ("product-tour", "5-minute-demo", "customer-story-acme", "pipelines-deep-dive",
               "security-overview")
WEBINARS = (
    "Webinar: Pipelines Without Tears", "Webinar: dbt + Reverse ETL",
    "Webinar: Data Contracts in Practice", "Webinar: Cutting Warehouse Costs",
    "Webinar: Real-time CDC", "Webinar: Governance for Regulated Industries",
    "Webinar: Ask Me Anything - Product", "Webinar: Data Summit Keynote",
)
SOCIAL_POSTS = ("LinkedIn: product launch", "LinkedIn: customer story", "LinkedIn: hiring post",
                "Twitter: release notes", "LinkedIn: webinar promo", "YouTube: product tour")
EMAIL_CAMPAIGNS = (
    "Newsletter", "Nurture - Pipelines 101", "Nurture - Warehouse Sync", "Product Update",
    "Webinar Invite", "Event Invite - Data Summit", "Case Study Digest", "Trial Nudge",
    "Re-engagement", "Pricing Announcement",
)
FORM_URLS = (f"{SITE}/contact", f"{SITE}/newsletter", f"{SITE}/resources/subscribe",
             f"{SITE}/events/register")
DEMO_URLS = (f"{SITE}/demo", f"{SITE}/demo?plan=enterprise", f"{SITE}/get-a-demo")
CONTACT_URLS = (f"{SITE}/contact-sales", f"{SITE}/pricing#contact")
TRIAL_URLS = (f"https://app.{VENDOR_DOMAIN}/signup?plan=trial",
              f"https://app.{VENDOR_DOMAIN}/signup")
MEETING_URLS = (f"https://meetings.{VENDOR_DOMAIN}/sales/intro",
                f"https://meetings.{VENDOR_DOMAIN}/sales/demo")

DEVICE_TYPES = ("desktop", "mobile", "tablet")

# --- dirt ------------------------------------------------------------------------------------

PLACEHOLDERS = ("Select", "N/A", "-", "null", "unknown", "n/a", "--", "None", "?", "Select...")
UNKNOWN_ACTIVITY_TYPES = ("chat_started", "sms_sent", "call_logged", "ad_impression",
                          "survey_completed")
MALFORMED_EMAIL_PATTERNS = ("{first}.{last}@", "{first} at {domain}", "@{domain}",
                            "{first}.{last}@@{domain}", "{first}.{last}{domain}",
                            "{first}.{last}@{domain_nodot}")

# --- sales -----------------------------------------------------------------------------------

REJECT_REASONS_JUNK = ("student", "competitor", "no company / personal email", "bad contact data",
                       "not a fit: too small", "spam")
REJECT_REASONS_OTHER = ("no budget", "bad timing", "already a customer", "not a fit: use case",
                        "no decision power")
ACCEPT_REASONS = ("good fit", "active project", "budget confirmed", "requested demo", "")
NO_RESPONSE_REASONS = ("no reply after 3 attempts", "", "voicemail")
# fmt: on
