/*
 * analyzer/rule.c - the rule ids of rules/README.md, the one table of them.
 */
#include "rule.h"

#include <string.h>

static const char *const rule_ids[AN_RULE__COUNT] = {
        "heap-alloc",    "unbounded-loop", "recursion",
        "indirect-call", "blocking-call",  "unknown-callee",
};

const char *an_rule_id(enum an_rule r)
{
	return (unsigned)r < AN_RULE__COUNT ? rule_ids[r] : "?";
}

int an_rule_from_id(const char *id)
{
	int i;

	for (i = 0; i < AN_RULE__COUNT; i++)
		if (strcmp(rule_ids[i], id) == 0)
			return i;
	return -1;
}
