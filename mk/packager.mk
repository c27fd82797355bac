# The packager's test tool: packs a compiled object into the store without
# `gadget build` (tests/bats/image.bats, bench/pack.sh).
PACK_OBJ := $(O)/tests/tools/pack_obj

all: $(PACK_OBJ)
bats: $(PACK_OBJ)
bench: $(PACK_OBJ)
