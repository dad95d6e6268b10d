from . import project_flow_resource_load
from . import project_flow_status_report
