/*
 * commands.h - every senda subcommand, one line each:
 *   _(name, usage, one-line help)
 * The handler is cmd_<name>() in src/cli/cmd_<name>.c.  Dispatch, --help
 * and `senda help CMD` are generated from this list; add a line only when
 * the command works.
 */
#ifndef SENDA_CLI_COMMANDS_H
#define SENDA_CLI_COMMANDS_H

#define CLI_COMMAND_LIST(_) \
	_(console, "console", "start the interview console (the default)") \
	_(help,    "help [COMMAND]", "show help for all commands or one") \
	_(version, "version", "print the version") \
	_(config,  "config show", "show every setting, its value and where it came from") \
	_(summary, "summary ID [--out FILE]", "print the respondent's summary of a finished interview (referrals and why)") \
	_(init,    "init", "create the encrypted store and print its recovery key") \
	_(keys,    "keys list|add|remove SLOT|change [SLOT]|recover [SLOT]|rotate", "manage the passphrases and the master key of the store") \
	_(shred,   "shred --yes", "destroy the store for good: keys first, then the files") \
	_(form,    "form check FILE... | form fill FORM --answers F.json [--lang L] [--today D] [--save]", "lint form files, or fill a form headless and print the result as JSON (--save: store it as completed)") \
	_(export,  "export --format csv|json [--form ID] [--out DIR] [--include-sensitive]", "write interviews out of the store as CSV (one file per form and repeat group) or JSON (one per interview), without sensitive questions unless asked; NOT encrypted") \
	_(enroll,  "enroll [--pin sha256//KEY] [--label NAME] [--force] URL CODE", "register this device with senda-server using a one-time code") \
	_(audit,   "audit verify | audit log [--after N] [--limit N]", "check the audit trail's hash chain, or print its entries") \
	_(sync,    "sync [--watch [--interval DUR]] [--verbose] [--quiet] [--batch N] [--timeout DUR] [--no-pull] [--no-gzip] | sync log [--limit N | --all] [--state STATE]... [--kind KIND] [--interview N] | sync retry ID", "deliver the outbox to the server and pull decisions; show the ledger (the last 50 items unless --limit/--all; STATE queued|sending|delivered|quarantined; KIND interview|amendment|referral|decision|audit; --interview by number or id)") \
	_(review,  "review sync | pull | list [--all] [--status S] [--caseworker D] [--form F] [--flag F] | show N | approve|escalate N [--comment-file F|-] | return N [--comment-file F|-] [--on-file F|-] | conflicts [N] | resolve ID local|remote | revoke N RULE|REFERRAL-ID", "the supervisor's review queue and decisions; a return's comments beside their questions")

#endif
