/*
 * common/lc_exit.h - the exit statuses of latch-check and latch-trace, one
 * meaning each (STYLE rule 18), so CI can tell "the firmware broke a rule"
 * from "the tool could not do its job".
 */
#ifndef LC_EXIT_H
#define LC_EXIT_H

enum lc_exit {
	LC_EXIT_CLEAN = 0,    /* done; no error-level finding, every budget met */
	LC_EXIT_FINDINGS = 1, /* done; an error-level finding or a budget broken */
	LC_EXIT_ERROR = 2     /* could not be done: usage error, unreadable or corrupt input,
	                         a budget that could not be checked, a failure of the tool */
};

#endif /* LC_EXIT_H */
