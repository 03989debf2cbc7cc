/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The namespace label table of a node, read from the store: used by the
 * policy compiler (node_ns_load), the namespace commands and their list.
 */
#ifndef HYP_CORE_NODE_NS_TABLE_H
#define HYP_CORE_NODE_NS_TABLE_H

#include <stddef.h>

#include "lib/labels.h"

#define NS_NAME_LABEL "kubernetes.io/metadata.name"

typedef char ns_name[LABEL_VAL_MAX + 1];

struct ns_table {
	ns_name *names;
	struct labels *labels;
	size_t *snics; /* SNICs in the namespace */
	size_t n, cap;
};

struct node;

int ns_table_load(struct node *n, struct ns_table *t);
int ns_table_get(struct ns_table *t, const char *ns, size_t *idx);
void ns_table_free(struct ns_table *t);

#endif
