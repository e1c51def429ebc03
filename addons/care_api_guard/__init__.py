from . import controllers
from .hooks import install_error_hook

# A server-wide module (server_wide_modules = base,web,care_api_guard): this
# runs once per process, when Odoo imports the server-wide modules at start.
install_error_hook()
