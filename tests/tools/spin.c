/* A busy loop with names of its own, built with frame pointers by the
 * stack-symbolising tests (gadget-profile_cpu.bats, realworld.bats). */
volatile unsigned long sink;
__attribute__((noinline)) void gadget_busy_spin_here(void)
{
	for (;;)
		for (int i = 0; i < 1000; i++)
			sink += i;
}
__attribute__((noinline)) void spin_outer_caller(void) { gadget_busy_spin_here(); }
int main(void) { spin_outer_caller(); return 0; }
