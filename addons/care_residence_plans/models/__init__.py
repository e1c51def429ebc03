from . import contract, res_company, stay
