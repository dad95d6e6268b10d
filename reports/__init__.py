from . import project_flow_resource_load
from . import project_flow_kpi_phase
from . import project_flow_kpi_task
