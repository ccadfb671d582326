/*
 * senda-server.c - the sync server program: everything lives in
 * src/server (srv_main() in srv_cli.c parses the command line).
 */
#include "server/server.h"

int main(int argc, char **argv)
{
	return srv_main(argc, argv);
}
