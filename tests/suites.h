/* suites.h - one Check suite per module, gathered by check_main.c. */
#ifndef TCPSCOPE_TEST_SUITES_H
#define TCPSCOPE_TEST_SUITES_H

#include <check.h>

Suite *decode_suite(void);
Suite *flow_suite(void);
Suite *flow_index_suite(void);
Suite *pcapmap_suite(void);
Suite *report_suite(void);
Suite *reasm_suite(void);
Suite *http_suite(void);
Suite *app_suite(void);
Suite *tls_suite(void);
Suite *tcp_state_suite(void);
Suite *tcp_endpoint_suite(void);
Suite *lifecycle_suite(void);
Suite *diagnose_suite(void);
Suite *tcp_seq_suite(void);
Suite *pipeline_suite(void);
Suite *slab_suite(void);
Suite *drops_suite(void);
Suite *filter_suite(void);
Suite *view_suite(void);
Suite *inputs_suite(void);
Suite *table_suite(void);
Suite *halfopen_suite(void);
Suite *fields_suite(void);
Suite *timeline_suite(void);
Suite *plot_suite(void);
Suite *byhost_suite(void);

#endif
