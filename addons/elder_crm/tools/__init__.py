from . import id_number
