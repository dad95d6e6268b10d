from odoo.tests import HttpCase, tagged

from odoo.addons.web.tests.test_js import unit_test_error_checker


@tagged("post_install", "-at_install")
class TestGanttLayoutJs(HttpCase):
    """The Hoot unit tests of the Gantt's layout maths
    (static/tests/flow_gantt/gantt_layout.test.js), run in the browser."""

    def test_gantt_layout_hoot(self):
        self.browser_js(
            "/web/tests?headless&loglevel=2&timeout=15000&filter=project_flow%20gantt%20layout",
            "",
            "",
            login="admin",
            timeout=300,
            success_signal="[HOOT] test suite succeeded",
            error_checker=unit_test_error_checker,
        )
