/* check_main.c - runs every module's Check suite. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(decode_suite());
	srunner_add_suite(sr, flow_suite());
	srunner_add_suite(sr, flow_index_suite());
	srunner_add_suite(sr, pcapmap_suite());
	srunner_add_suite(sr, report_suite());
	srunner_add_suite(sr, reasm_suite());
	srunner_add_suite(sr, http_suite());
	srunner_add_suite(sr, app_suite());
	srunner_add_suite(sr, tls_suite());
	srunner_add_suite(sr, tcp_state_suite());
	srunner_add_suite(sr, tcp_endpoint_suite());
	srunner_add_suite(sr, lifecycle_suite());
	srunner_add_suite(sr, diagnose_suite());
	srunner_add_suite(sr, tcp_seq_suite());
	srunner_add_suite(sr, pipeline_suite());
	srunner_add_suite(sr, slab_suite());
	srunner_add_suite(sr, drops_suite());
	srunner_add_suite(sr, filter_suite());
	srunner_add_suite(sr, view_suite());
	srunner_add_suite(sr, inputs_suite());
	srunner_add_suite(sr, table_suite());
	srunner_add_suite(sr, halfopen_suite());
	srunner_add_suite(sr, fields_suite());
	srunner_add_suite(sr, timeline_suite());
	srunner_add_suite(sr, plot_suite());
	srunner_add_suite(sr, byhost_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
