from . import gantt_export
from . import portal
