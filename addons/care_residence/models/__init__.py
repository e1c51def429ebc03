from . import crm_lead, residence, stay, waiting
