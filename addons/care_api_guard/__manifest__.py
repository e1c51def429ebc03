{
    "name": "Care API Guard",
    "summary": "Machine API answers 503 + Retry-After (JSON) while the database "
    "is unavailable, never Odoo's 404 page (server-wide module)",
    "version": "18.0.1.0.0",
    "category": "Services/Elder Care",
    "author": "Elder Care CRM Suite",
    "license": "AGPL-3",
    "depends": ["base", "web"],
}
