# Odoo 18.0 Community (official image) plus the suite's Python requirements.
FROM odoo:18

USER root
COPY requirements.txt requirements-oca.txt /tmp/care/
# The image's Python is Ubuntu's: pip needs --break-system-packages (PEP 668),
# and --ignore-installed because it cannot uninstall apt-installed packages
# (phonenumbers is one) that it would upgrade. The OCA wheels require the
# 'odoo' distribution, which the Debian package does not provide: --no-deps.
RUN pip3 install --no-cache-dir --break-system-packages --ignore-installed \
        -r /tmp/care/requirements.txt \
    && pip3 install --no-cache-dir --break-system-packages --no-deps \
        -r /tmp/care/requirements-oca.txt \
    && rm -rf /tmp/care
USER odoo
