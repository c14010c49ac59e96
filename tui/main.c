/*
 * tripmcp: the terminal travel assistant. With a command it is the
 * scriptable command line (tui/cli.c); without one, on a terminal, it will be
 * the full-screen interface, which is not written yet.
 */
#include "tui/cli.h"

int
main(int argc, char **argv)
{
	return tui_cli_main(argc, argv);
}
