from . import gantt_export
from . import portal
from . import kpi_export
