/*
 * sync-fill - fill a senda store's outbox the way finishing interviews
 * does, for the sync tests, the soak and the benchmark: each interview is
 * completed with its referrals, and its outbox items are queued in the
 * same transaction and in the console's order (src/app/session.c): one per
 * referral, with the interview as object, then the interview itself.
 *
 * usage: sync-fill --dir DIR [--create] [--kdf-memory KIB] [--kdf-iterations N]
 *          [--interviews N] [--referrals K] [--ids FILE] [--bad N] [--answers]
 * The passphrase is read as one line from standard input.  --ids appends
 * "kind id" for every queued item, so a test can ask the server for each.
 * --bad N queues N more referrals the server must reject (no service).
 * --answers saves each interview's answers one by one first, as the
 * console's autosave does (one audit entry each), then completes it: the
 * audit trail then holds what a real interview leaves (make bench-sync).
 * Payloads hold made-up answers of realistic size, no real data.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "store/store.h"
#include "util/util.h"

static const char *const services[] = {
	"legal_orientation", "shelter", "medical", "psychosocial", "work_permit_clinic",
	"family_tracing", "child_protection", "asylum_comar",
};

static void die(const char *what, status_t s)
{
	fprintf(stderr, "sync-fill: %s: %s\n", what, st_detail(s));
	exit(status_exit(s) ? status_exit(s) : 1);
}

/* A completed intake's answers: ~40 fields of the kinds the form asks. */
static char *interview_payload(unsigned n)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "{\"form\":\"intake\",\"form_version\":\"2023-05\",\"state\":\"completed\","
		    "\"language\":\"es\",\"answers\":{");
	strbuf_addf(&sb, "\"consent.interview\":\"yes\",\"consent.share_legal\":\"yes\","
		    "\"consent.share_health\":\"no\",\"consent.text_version\":\"2023-05-01\","
		    "\"identity.given_name\":\"Persona %u\",\"identity.family_name\":\"Ejemplo\","
		    "\"identity.birth_date\":\"19%02u-0%u-1%u\",\"identity.sex\":\"%s\","
		    "\"identity.nationality\":\"%s\",\"identity.languages\":[\"es\"],"
		    "\"identity.documents\":[\"national_id\"],\"identity.phone\":\"+52 962 555 %04u\","
		    "\"group.size\":%u,", n, 60 + n % 40, 1 + n % 9, n % 10,
		    n % 2 ? "female" : "male", n % 3 ? "HN" : "VE", n % 10000, 1 + n % 4);
	for (unsigned m = 1; m <= 1 + n % 4; m++)
		strbuf_addf(&sb, "\"members[%u].relationship\":\"%s\",\"members[%u].age\":%u,"
			    "\"members[%u].sex\":\"%s\",", m, m % 2 ? "child" : "spouse", m,
			    m % 2 ? 3 + m : 30 + m, m, m % 2 ? "female" : "male");
	strbuf_addf(&sb, "\"journey.origin\":\"%s\",\"journey.left\":\"2023-0%u-0%u\","
		    "\"journey.route\":[\"GT\",\"MX\"],\"journey.location\":\"Tapachula\","
		    "\"journey.weeks_here\":%u,\"journey.destination\":\"US\","
		    "\"journey.sponsor_us\":\"%s\",\"protection.fear_of_return\":\"yes\","
		    "\"protection.grounds\":[\"violence\"],\"protection.violence_journey\":\"%s\","
		    "\"protection.trafficking\":\"no\",\"protection.gbv\":\"no\","
		    "\"protection.medical\":\"%s\",\"protection.pregnant\":\"no\","
		    "\"pathways.appointment\":\"no\",\"pathways.family_canada\":\"no\","
		    "\"pathways.skills\":[\"agriculture\"],\"outcome.urgency\":\"normal\","
		    "\"outcome.notes\":\"Entrevista %u completa; sin observaciones.\"}}",
		    n % 3 ? "HN" : "VE", 1 + n % 9, 1 + n % 9, n % 12, n % 2 ? "yes" : "no",
		    n % 5 ? "no" : "yes", n % 7 ? "no" : "yes", n);
	return strbuf_detach(&sb, NULL);
}

/* The questions interview_payload() answers, for --answers. */
static const char *const answer_paths[] = {
	"consent.interview", "consent.share_legal", "consent.share_health",
	"consent.text_version", "identity.given_name", "identity.family_name",
	"identity.birth_date", "identity.sex", "identity.nationality", "identity.languages",
	"identity.documents", "identity.phone", "group.size", "members[1].relationship",
	"members[1].age", "members[1].sex", "members[2].relationship", "members[2].age",
	"members[2].sex", "journey.origin", "journey.left", "journey.route",
	"journey.location", "journey.weeks_here", "journey.destination", "journey.sponsor_us",
	"protection.fear_of_return", "protection.grounds", "protection.violence_journey",
	"protection.trafficking", "protection.gbv", "protection.medical",
	"protection.pregnant", "pathways.appointment", "pathways.family_canada",
	"pathways.skills", "outcome.urgency", "outcome.notes",
};

/* Answer a draft question by question, then complete it. */
static status_t save_answers(struct store *st, const char *iv)
{
	status_t s = ST_OK;

	for (size_t a = 0; s == ST_OK && a < ARRAY_SIZE(answer_paths); a++)
		s = store_answer_save(st, iv, answer_paths[a], "\"made-up\"", answer_paths[a]);
	if (s == ST_OK)
		s = store_interview_set_status(st, iv, STORE_IV_COMPLETED);
	return s;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "create", no_argument, NULL, 'c' },
		{ "kdf-memory", required_argument, NULL, 'm' },
		{ "kdf-iterations", required_argument, NULL, 'i' },
		{ "interviews", required_argument, NULL, 'n' },
		{ "referrals", required_argument, NULL, 'r' },
		{ "ids", required_argument, NULL, 'o' },
		{ "bad", required_argument, NULL, 'b' },
		{ "answers", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *ids_path = NULL;
	bool create = false, answers = false;
	int64_t mem = 64, iters = 1, n_iv = 1, n_ref = 4, n_bad = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		bool ok = true;
		switch (c) {
		case 'd': dir = optarg; break;
		case 'c': create = true; break;
		case 'm': ok = parse_int64(optarg, &mem); break;
		case 'i': ok = parse_int64(optarg, &iters); break;
		case 'n': ok = parse_int64(optarg, &n_iv); break;
		case 'r': ok = parse_int64(optarg, &n_ref); break;
		case 'o': ids_path = optarg; break;
		case 'b': ok = parse_int64(optarg, &n_bad); break;
		case 'a': answers = true; break;
		default: ok = false;
		}
		if (!ok) {
			fprintf(stderr, "usage: sync-fill --dir DIR [--create] [--interviews N] "
				"[--referrals K] [--ids FILE] [--bad N] [--answers]\n");
			return 2;
		}
	}
	if (!dir)
		return 2;

	char *pass = NULL;
	size_t len = 0;
	status_t s = crypto_passphrase_read(0, NULL, &pass, &len);
	if (s != ST_OK)
		die("passphrase", s);
	struct store_open_opts so;
	memset(&so, 0, sizeof(so));
	so.kdf.memory_kib = (uint32_t)mem;
	so.kdf.iterations = (uint32_t)iters;
	so.busy_timeout_ms = 30000;
	struct store *st = NULL;
	if (create) {
		char recovery[STORE_RECOVERY_KEY_LEN];
		if ((s = path_mkdir_p(dir, 0700)) != ST_OK)
			die(dir, s);
		s = store_create(dir, pass, len, &so, recovery, &st);
	} else {
		s = store_open(dir, pass, len, false, &so, &st);
	}
	crypto_secure_free(pass);
	if (s != ST_OK)
		die(dir, s);

	FILE *ids = ids_path ? fopen(ids_path, "a") : NULL;
	if (ids_path && !ids) {
		perror(ids_path);
		return 1;
	}
	for (int64_t k = 0; k < n_iv; k++) {
		unsigned seed;
		util_random(&seed, sizeof(seed));
		struct store_interview iv;
		char id[37];
		store_interview_init(&iv);
		iv.form_id = xstrdup("intake");
		iv.form_version = xstrdup("2023-05");
		iv.language = xstrdup("es");
		iv.status = answers ? STORE_IV_DRAFT : STORE_IV_COMPLETED;
		if ((s = store_begin(st)) != ST_OK ||
		    (s = store_interview_create(st, &iv)) != ST_OK)
			die("creating an interview", s);
		if (answers && (s = save_answers(st, iv.id)) != ST_OK)
			die("answering an interview", s);
		for (int64_t r = 0; r < n_ref + (k ? 0 : n_bad); r++) {
			bool bad = r >= n_ref;
			struct store_referral ref;
			memset(&ref, 0, sizeof(ref));
			const char *svc = services[(seed + (unsigned)r) % ARRAY_SIZE(services)];
			ref.interview_id = xstrdup(iv.id);
			ref.rule_id = xasprintf("rule-%s", svc);
			ref.service = xstrdup(svc);
			ref.partner = xstrdup("partner-tapachula");
			ref.urgency = xstrdup(r ? "normal" : "high");
			ref.reason = xstrdup("fear of return");
			ref.consent_ok = true;
			ref.shared_fields = xstrdup("[\"identity.languages\",\"group.size\"]");
			if ((s = store_referral_add(st, &ref)) != ST_OK)
				die("adding a referral", s);
			char *rp = bad ? xstrdup("{\"partner\":\"partner-tapachula\"}") :
				xasprintf("{\"service\":\"%s\",\"partner\":\"partner-tapachula\","
					     "\"referral\":\"%s\",\"urgency\":\"%s\",\"fields\":"
					     "{\"identity.languages\":[\"es\"],\"group.size\":%u}}",
					     svc, ref.id, ref.urgency, 1 + seed % 4);
			/* As the console queues it: the interview is the object. */
			if ((s = store_outbox_add(st, "referral", iv.id, rp, id)) != ST_OK)
				die("queueing a referral", s);
			if (ids)
				fprintf(ids, "%s %s\n", bad ? "bad" : "referral", id);
			free(rp);
			store_referral_release(&ref);
		}
		/* The console queues the interview after its referrals (app/session.c). */
		char *payload = interview_payload(seed % 100000);
		if ((s = store_outbox_add(st, "interview", iv.id, payload, id)) != ST_OK)
			die("queueing an interview", s);
		if (ids)
			fprintf(ids, "interview %s\n", id);
		free(payload);
		if ((s = store_commit(st)) != ST_OK)
			die("committing", s);
		store_interview_release(&iv);
	}
	if (ids && fclose(ids) != 0) {
		perror(ids_path);
		return 1;
	}
	store_close(st);
	return 0;
}
