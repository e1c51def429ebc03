from . import test_id_number
from . import test_elder
from . import test_lookup
from . import test_assessment
from . import test_access
from . import test_report
