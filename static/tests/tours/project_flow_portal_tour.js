/** @odoo-module **/

import { registry } from "@web/core/registry";

/**
 * A portal collaborator opens the shared project's phases page, approves the
 * Build gate they are named for, then uploads the release notes of the
 * Release phase that the approval opened.
 *
 * Data: tests/test_portal.py (TestFlowPortal.test_portal_tour_upload_and_approve)
 * brings the Build phase of "Shared flow project" to approval with the portal
 * user "pf_portal" as its only approver and starts the tour on its page.
 */
registry.category("web_tour.tours").add("project_flow_portal_tour", {
    steps: () => [
        {
            content: "The phases of the shared project are listed",
            trigger: ".o_flow_portal_phase:contains('Build')",
        },
        {
            content: "Comment the decision",
            trigger: ".o_flow_portal_decide textarea[name='comment']",
            run: "edit Signed off by the customer",
        },
        {
            content: "Approve the gate",
            trigger: ".o_flow_portal_decide button[value='approve']",
            run: "click",
        },
        {
            content: "The decision is recorded",
            trigger: ".o_flow_portal_message:contains('Your decision')",
        },
        {
            content: "Choose the release notes file",
            trigger: "form.o_flow_portal_upload input[type='file']",
            run() {
                const input = document.querySelector("form.o_flow_portal_upload input[type='file']");
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["%PDF-1.4 release notes"], "release-notes.pdf", {
                        type: "application/pdf",
                    })
                );
                input.files = transfer.files;
            },
        },
        {
            content: "Upload it",
            trigger: "form.o_flow_portal_upload button[type='submit']",
            run: "click",
        },
        {
            content: "The upload is confirmed",
            trigger: ".o_flow_portal_message:contains('release-notes.pdf was added')",
        },
    ],
});
