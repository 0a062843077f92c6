/* hello: the smallest workload. `name=` changes who is greeted. */
#include "../common/platform.h"

int workload_main(void)
{
    char buf[64];
    const char *name = param_str("name", buf, sizeof buf, "world");
    kprintf("Hello, %s! This is a Vivarium guest.\n", name);
    return 0;
}
