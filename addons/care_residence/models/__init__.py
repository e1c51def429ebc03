from . import crm_lead, res_company, residence, stay, waiting, waiting_board
