/*
 * analyzer/rule.h - the rules latch-check enforces and their ids.
 */
#ifndef AN_RULE_H
#define AN_RULE_H

enum an_rule {
	AN_RULE_HEAP_ALLOC,
	AN_RULE_UNBOUNDED_LOOP,
	AN_RULE_RECURSION,
	AN_RULE_INDIRECT_CALL,
	AN_RULE_BLOCKING_CALL,
	AN_RULE_UNKNOWN_CALLEE,
	AN_RULE__COUNT
};

/* "heap-alloc", ... ; the ids of rules/README.md. */
const char *an_rule_id(enum an_rule r);
/* Returns the rule for an id, or -1 when the id is unknown. */
int an_rule_from_id(const char *id);

#endif /* AN_RULE_H */
