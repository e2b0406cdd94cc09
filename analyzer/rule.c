/*
 * analyzer/rule.c - the rule ids of rules/README.md. The one table of them
 * is the rules loader's (common/lc_config.h), which must know them to reject
 * a misspelt id in any file; enum an_rule follows its order.
 */
#include "rule.h"

#include "lc_config.h"

_Static_assert((int)AN_RULE_HEAP_ALLOC == (int)LC_RULE_HEAP_ALLOC &&
                       (int)AN_RULE_UNBOUNDED_LOOP == (int)LC_RULE_UNBOUNDED_LOOP &&
                       (int)AN_RULE_RECURSION == (int)LC_RULE_RECURSION &&
                       (int)AN_RULE_INDIRECT_CALL == (int)LC_RULE_INDIRECT_CALL &&
                       (int)AN_RULE_BLOCKING_CALL == (int)LC_RULE_BLOCKING_CALL &&
                       (int)AN_RULE_UNKNOWN_CALLEE == (int)LC_RULE_UNKNOWN_CALLEE &&
                       (int)AN_RULE__COUNT == (int)LC_RULE__COUNT,
               "enum an_rule must follow enum lc_rule");

const char *an_rule_id(enum an_rule r)
{
	const char *id = lc_rule_id((enum lc_rule)r);

	return id ? id : "?";
}

int an_rule_from_id(const char *id)
{
	return id ? lc_rule_from_id(id) : -1;
}
