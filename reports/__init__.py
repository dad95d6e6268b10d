from . import project_flow_resource_load
