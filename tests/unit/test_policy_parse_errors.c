// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of src/policy, refusals: what the Kubernetes API server
 * refuses is refused, and every error names the document, the policy, the
 * line and the reason (YAML syntax, the header, spec, label selectors,
 * ports). Peers and ipBlocks are in test_policy_parse_peers.c.
 */
#include "policy_parse_fixture.h"

static void test_line_numbers(void **state)
{
	expect_error(
	    SPEC "  ingress:\n"
		 "  - from:\n"
		 "    - podSelector:\n"
		 "        matchLabels:\n"
		 "          app: web\n"
		 "          Bad Key: x\n",
	    "document 1 (p), line 12: matchLabels key \"Bad Key\" is not a valid label key "
	    "(in spec.ingress[0].from[0].podSelector.matchLabels)");
	expect_error(SPEC "  egress:\n"
			  "  - to:\n"
			  "    - ipBlock:\n"
			  "        cidr: 10.0.0.0/8\n"
			  "        except:\n"
			  "        - 10.1.0.0/16\n"
			  "        - 192.168.0.0/16\n",
		     "line 13: except 192.168.0.0/16 is not strictly inside cidr 10.0.0.0/8");
	expect_error(SPEC "  policyTypes:\n  - Ingress\n  - egress\n",
		     "line 9: policyTypes entry \"egress\" is not Ingress or Egress");
	expect_error("apiVersion: networking.k8s.io/v1\n"
		     "kind: NetworkPolicy\n"
		     "metadata:\n"
		     "  name: x\n"
		     "  namespace: Prod\n",
		     "document 1 (x), line 5: metadata.namespace \"Prod\" is not a DNS-1123 label");
}

static void test_yaml_errors(void **state)
{
	expect_error(SPEC "  ingress: [\n", "document 1, line ");
	expect_error(SPEC "  ingress: [\n", "YAML syntax error");
	expect_error(SPEC "---\n" HDR "spec:\n  podSelector: {}\n  podSelector: {}\n",
		     "document 2, line 14: duplicate key \"podSelector\"");
	expect_error(SPEC "  ingress:\n  - &r {}\n  - *r\n",
		     "line 9: YAML aliases (*name) are not supported");
	expect_error(SPEC "  ingress:\n  - ? [a]\n    : b\n", "a mapping key must be a scalar");
	expect_error("a: \"x\\0y\"\n", "NUL byte");
	expect_error("- a\n- b\n", "document 1, line 1: a document (a NetworkPolicy) must be a "
				   "mapping");
	expect_error("just text\n", "must be a mapping");
	expect_error("", "no NetworkPolicy document");
	expect_error("# nothing\n---\n", "no NetworkPolicy document");
	expect_error(SPEC "  ingress:\n  - ports: [{port: !!int eighty}]\n",
		     "\"eighty\" does not fit its tag");
	expect_error(SPEC "  ingress:\n  - ports: [{port: !!float 80}]\n",
		     "line 8: tag tag:yaml.org,2002:float is not supported");
	expect_error(
	    "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	    "document 1, line 1: nesting is too deep");
}

static void test_header_errors(void **state)
{
	expect_error("kind: NetworkPolicy\nmetadata: {name: a}\nspec: {podSelector: {}}\n",
		     "document 1 (a), line 1: apiVersion is required");
	expect_error("apiVersion: networking.k8s.io/v1beta1\nkind: NetworkPolicy\n"
		     "metadata: {name: a}\n",
		     "document 1 (a), line 1: apiVersion must be networking.k8s.io/v1, not "
		     "\"networking.k8s.io/v1beta1\"");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: Deployment\nmetadata: {name: a}\n",
		     "line 2: kind must be NetworkPolicy, not \"Deployment\"");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n",
		     "metadata is required");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {}\n",
		     "metadata.name is required");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: Deny_DB}\nspec: {podSelector: {}}\n",
		     "document 1, line 3: metadata.name \"Deny_DB\" is not a DNS-1123 subdomain");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: 5}\n",
		     "metadata.name must be a string");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, namespace: my_ns}\n",
		     "is not a DNS-1123 label");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, namepsace: prod}\n",
		     "line 3: unknown field \"namepsace\" (known: name, namespace, labels, "
		     "annotations)");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, labels: {app: 1}}\n",
		     "metadata.labels value of \"app\" must be a string");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: a, labels: {app: \"a b\"}}\n",
		     "not a valid label value");
	expect_error(HDR "status: {}\n", "line 5: unknown field \"status\"");
	expect_error(HDR "spec: []\n", "line 5: spec must be a mapping");
	expect_error(HDR "spec: 5\n", "spec must be a mapping");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n",
		     "metadata must be a mapping, not null");
	expect_error("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		     "metadata: {name: }\n",
		     "metadata.name is required");
}

static void test_spec_errors(void **state)
{
	expect_error(HDR "spec:\n  podSelector: []\n", "line 6: a label selector must be a mapping "
						       "(in spec.podSelector)");
	expect_error(HDR "spec:\n  podselector: {}\n",
		     "line 6: unknown field \"podselector\" (did you mean \"podSelector\"?) (in "
		     "spec)");
	/* the API server's limit, even when every entry is valid */
	expect_error(SPEC "  policyTypes: [Ingress, Egress, Ingress]\n",
		     "line 7: policyTypes lists 3 types: at most two (Ingress, Egress)");
	expect_error(SPEC "  policyTypes: Ingress\n", "policyTypes must be a list");
	expect_error(SPEC "  policyTypes: [~]\n",
		     "policyTypes entry \"null\" is not Ingress or Egress");
	expect_error(SPEC "  policyTypes: [\"\"]\n",
		     "policyTypes entry \"\" is not Ingress or Egress");
	expect_error(SPEC "  ingress: {}\n", "ingress must be a list");
	expect_error(SPEC "  ingress:\n  - 5\n", "line 8: a rule ({} allows everything) must be a "
						 "mapping (in spec.ingress[0])");
	expect_error(SPEC "  ingress:\n  - form: []\n",
		     "line 8: unknown field \"form\" (known: from, ports) (in spec.ingress[0])");
	expect_error(SPEC "  egress:\n  - from: []\n",
		     "unknown field \"from\" (known: to, ports) (in spec.egress[0])");
	expect_error(SPEC "  ingress:\n  - from: {}\n", "from must be a list");
	expect_error(SPEC "  ingress:\n  - ports: 80\n", "ports must be a list");
}

static void test_selector_errors(void **state)
{
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n    -\n",
		     "a matchExpressions entry must be a mapping, not null");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: , operator: Exists}\n",
		     "a matchExpressions entry needs a key");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: In, values: }\n",
		     "operator In needs a non-empty values list");
	expect_error(HDR "spec:\n  podSelector: {matchLabels: {app: 5}}\n",
		     "matchLabels value of \"app\" must be a string (quote it)");
	expect_error(HDR "spec:\n  podSelector: {matchLabels: {app: true}}\n", "must be a string");
	expect_error(HDR "spec:\n  podSelector: {matchLabels: {app: -web}}\n",
		     "matchLabels value \"-web\" of \"app\" is not a valid label value");
	expect_error(HDR "spec:\n  podSelector: {matchLabels: [app]}\n",
		     "matchLabels must be a mapping");
	expect_error(HDR "spec:\n  podSelector: {matchlabels: {}}\n",
		     "did you mean \"matchLabels\"?");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: in, values: [a]}\n",
		     "line 8: operator \"in\" is not In, NotIn, Exists or DoesNotExist (in "
		     "spec.podSelector.matchExpressions[0])");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: In}\n",
		     "operator In needs a non-empty values list");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: NotIn, values: []}\n",
		     "operator NotIn needs a non-empty values list");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: Exists, values: [a]}\n",
		     "operator Exists takes no values");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: DoesNotExist, values: [a]}\n",
		     "operator DoesNotExist takes no values");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {operator: Exists}\n",
		     "a matchExpressions entry needs a key");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app}\n",
		     "a matchExpressions entry needs an operator");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: a/b/c, operator: Exists}\n",
		     "key \"a/b/c\" is not a valid label key");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: In, values: [ok, \"not ok\"]}\n",
		     "value \"not ok\" of \"app\" is not a valid label value");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: In, values: [1]}\n",
		     "value of \"app\" must be a string");
	expect_error(HDR "spec:\n  podSelector:\n    matchExpressions:\n"
			 "    - {key: app, operator: Exists, value: [a]}\n",
		     "unknown field \"value\" (known: key, operator, values)");
}

static void test_port_errors(void **state)
{
#define PORTS SPEC "  ingress:\n  - ports:\n    - "
	expect_error(PORTS "{protocol: ICMP}\n",
		     "line 9: protocol \"ICMP\" is not TCP, UDP or SCTP (in "
		     "spec.ingress[0].ports[0])");
	expect_error(PORTS "{protocol: tcp}\n", "protocol \"tcp\" is not TCP, UDP or SCTP");
	expect_error(PORTS "{port: 0}\n", "port 0 is out of range (1-65535)");
	expect_error(PORTS "{port: 65536}\n", "port 65536 is out of range (1-65535)");
	expect_error(PORTS "{port: -1}\n", "port -1 is out of range");
	expect_error(
	    PORTS "{port: 99999999999999999999}\n",
	    "port \"99999999999999999999\" must be a number from 1 to 65535, without quotes");
	/* a name must be an IANA_SVC_NAME; one is accepted (test_policy_named_ports.c) */
	expect_error(PORTS "{port: HTTP}\n", "port \"HTTP\" is not a port number or a port name");
	expect_error(PORTS "{port: http--x}\n", "port \"http--x\" is not a port number");
	expect_error(PORTS "{port: -http}\n", "port \"-http\" is not a port number");
	expect_error(PORTS "{port: http-}\n", "port \"http-\" is not a port number");
	expect_error(PORTS "{port: abcdefghijklmnop}\n", "is not a port number or a port name");
	expect_error(PORTS "{port: 123-456}\n", "port \"123-456\" is not a port number");
	expect_error(PORTS "{port: http, endPort: 90}\n",
		     "endPort needs a port number, not the named port \"http\"");
	expect_error(PORTS "{port: \"80\"}\n",
		     "port \"80\" must be a number from 1 to 65535, without quotes");
	expect_error(PORTS "{port: 80.5}\n", "port \"80.5\" is not a port number or a port name");
	expect_error(PORTS "{port: [80]}\n", "port must be a number from 1 to 65535");
	expect_error(PORTS "{endPort: 90}\n", "endPort needs port");
	expect_error(PORTS "{port: , endPort: 90}\n", "endPort needs port");
	expect_error(PORTS "{port: 80, endPort: 0}\n", "endPort 0 is out of range");
	expect_error(PORTS "{port: 80, endPort: 79}\n", "endPort 79 is below port 80");
	expect_error(PORTS "{port: 80, endPort: 65536}\n", "endPort 65536 is out of range");
	expect_error(PORTS "{port: 80, endPort: \"90\"}\n", "endPort \"90\" must be a number");
	expect_error(PORTS "{port: 80, endport: 90}\n",
		     "unknown field \"endport\" (did you mean \"endPort\"?)");
	expect_error(PORTS "80\n", "a ports entry must be a mapping");
#undef PORTS
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_numbers),    cmocka_unit_test(test_yaml_errors),
	    cmocka_unit_test(test_header_errors),   cmocka_unit_test(test_spec_errors),
	    cmocka_unit_test(test_selector_errors), cmocka_unit_test(test_port_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
