from . import care_elder, care_map, fsm_order, fsm_person, res_config_settings
