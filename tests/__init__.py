from . import test_template
from . import test_gate
from . import test_approval
from . import test_lifecycle
from . import test_duplicate
from . import test_access
from . import test_tour
