/*
 * senda-server.c - the sync server program.  Placeholder until the server
 * module lands; it fails clearly rather than pretending to serve.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "senda-server: not built yet\n");
	return 1;
}
