# The layering of the stages, checked on every build: a folder includes only
# its own headers and those of the folders it builds on.
#
#   base <- info <- compiler, validator <- packager, runtime <- cli
#
# (packager/input.c builds a folder named on the command line through the
# compiler before it is run like an image; runtime reads the kernel-feature
# probes and the .BTF.ext walker of the validator.)
LAYER_DIRS      := base info compiler validator packager runtime cli
LAYERS_base     :=
LAYERS_info     := base
LAYERS_compiler := base info
LAYERS_validator := base info
LAYERS_packager := base info compiler validator
LAYERS_runtime  := base info validator
LAYERS_cli      := base info compiler validator packager runtime

comma := ,
LAYERS_OK := $(O)/layers.ok

$(LAYERS_OK): $(foreach d,$(LAYER_DIRS),$(wildcard $(d)/*.c $(d)/*.h)) mk/layers.mk mk/check-layers.sh
	@mkdir -p $(dir $@)
	@sh mk/check-layers.sh $(foreach d,$(LAYER_DIRS),$(d):$(subst $(eval) ,$(comma),$(strip $(LAYERS_$(d))))) && touch $@

$(LIB) $(GADGET): | $(LAYERS_OK)
