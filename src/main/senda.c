/*
 * senda.c - the senda program: everything is in the cli module, so tests
 * can reach commands in-process.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
