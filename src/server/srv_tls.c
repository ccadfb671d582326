/*
 * srv_tls.c - the server's TLS identity: `senda-server init` makes an
 * ECDSA P-256 key and a self-signed certificate with GnuTLS (the gnutls
 * API is used only in src/server), and the pin clients check is derived
 * here: "sha256//" + base64 of the SHA-256 of the DER SubjectPublicKeyInfo,
 * the format of libcurl's CURLOPT_PINNEDPUBLICKEY.  Trust comes from the
 * pin, not from a certificate authority, so the certificate's names and
 * dates matter little; it is valid for ten years.
 */
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "server/server.h"

#define TLS_KEY_NAME "tls.key"
#define TLS_CERT_NAME "tls.crt"

/* Write data to path with mode, replacing atomically. */
static status_t write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f;
	status_t st = ST_OK;

	unlink(tmp);
	f = fopen(tmp, "wx");
	if (!f || chmod(tmp, mode) || fwrite(data, 1, len, f) != len || fflush(f) ||
	    fsync(fileno(f)))
		st = st_error(ST_IO, "cannot write %s", path);
	if (f && fclose(f))
		st = st_error(ST_IO, "cannot write %s", path);
	if (st == ST_OK && rename(tmp, path))
		st = st_error(ST_IO, "cannot write %s", path);
	if (st != ST_OK)
		unlink(tmp);
	free(tmp);
	return st;
}

status_t srv_tls_create(const char *data_dir)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kpem = { NULL, 0 }, cpem = { NULL, 0 };
	unsigned char serial[16];
	time_t now = time(NULL);
	char *kpath = path_join(data_dir, TLS_KEY_NAME);
	char *cpath = path_join(data_dir, TLS_CERT_NAME);
	status_t st = ST_OK;

	if (!util_random(serial, sizeof(serial))) {
		st = st_error(ST_ERR, "no random numbers");
		goto out;
	}
	serial[0] &= 0x7f;	/* a positive serial number */
	if (gnutls_x509_privkey_init(&key) ||
	    gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) ||
	    gnutls_x509_crt_init(&crt) ||
	    gnutls_x509_crt_set_version(crt, 3) ||
	    gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) ||
	    gnutls_x509_crt_set_activation_time(crt, now - 86400) ||
	    gnutls_x509_crt_set_expiration_time(crt, now + 10L * 365 * 86400) ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "senda-server",
					  strlen("senda-server")) ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost",
						 strlen("localhost"), GNUTLS_FSAN_SET) ||
	    gnutls_x509_crt_set_key(crt, key) ||
	    gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE) ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) ||
	    gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kpem) ||
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cpem)) {
		st = st_error(ST_ERR, "cannot make the TLS key and certificate");
		goto out;
	}
	st = write_file(kpath, kpem.data, kpem.size, 0600);
	if (st == ST_OK)
		st = write_file(cpath, cpem.data, cpem.size, 0644);
out:
	if (kpem.data) {
		crypto_sign_wipe(kpem.data, kpem.size);
		gnutls_free(kpem.data);
	}
	gnutls_free(cpem.data);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	free(kpath);
	free(cpath);
	return st;
}

static void base64(const unsigned char *in, size_t n, struct strbuf *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		strbuf_addch(out, tab[v >> 18 & 63]);
		strbuf_addch(out, tab[v >> 12 & 63]);
		strbuf_addch(out, i + 1 < n ? tab[v >> 6 & 63] : '=');
		strbuf_addch(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

status_t srv_tls_pin(const char *data_dir, char **pin)
{
	char *cpath = path_join(data_dir, TLS_CERT_NAME);
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t pem = { NULL, 0 }, der = { NULL, 0 };
	unsigned char h[CRYPTO_SHA256_LEN];
	struct strbuf sb = STRBUF_INIT;
	size_t len = 0;
	status_t st = ST_OK;

	*pin = NULL;
	pem.data = (unsigned char *)file_read_all(cpath, &len);
	pem.size = (unsigned)len;
	if (!pem.data) {
		st = st_error(ST_CONFIG, "no TLS certificate %s; run 'senda-server init'", cpath);
		goto out;
	}
	if (gnutls_x509_crt_init(&crt) ||
	    gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM) ||
	    gnutls_pubkey_init(&pub) ||
	    gnutls_pubkey_import_x509(pub, crt, 0) ||
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der)) {
		st = st_error(ST_CONFIG, "%s: not a usable certificate", cpath);
		goto out;
	}
	crypto_sha256(der.data, der.size, h);
	strbuf_addstr(&sb, "sha256//");
	base64(h, sizeof(h), &sb);
	*pin = strbuf_detach(&sb, NULL);
out:
	gnutls_free(der.data);
	gnutls_pubkey_deinit(pub);
	gnutls_x509_crt_deinit(crt);
	free(pem.data);
	free(cpath);
	return st;
}

bool srv_tls_exists(const char *data_dir)
{
	char *k = path_join(data_dir, TLS_KEY_NAME), *c = path_join(data_dir, TLS_CERT_NAME);
	bool ok = path_exists(k) && path_exists(c);

	free(k);
	free(c);
	return ok;
}

status_t srv_tls_load(const char *data_dir, char **key_pem, char **cert_pem)
{
	char *k = path_join(data_dir, TLS_KEY_NAME), *c = path_join(data_dir, TLS_CERT_NAME);
	status_t st = ST_OK;

	*key_pem = file_read_all(k, NULL);
	*cert_pem = file_read_all(c, NULL);
	if (!*key_pem || !*cert_pem) {
		free(*key_pem);
		free(*cert_pem);
		*key_pem = *cert_pem = NULL;
		st = st_error(ST_CONFIG, "cannot read %s and %s; run 'senda-server init'", k, c);
	}
	free(k);
	free(c);
	return st;
}
