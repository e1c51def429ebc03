from . import fsm_order
