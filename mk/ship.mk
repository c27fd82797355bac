# Shipping: the Debian package and the container images built from it.
#
#   make deb              build/deb/gadget_<version>_<arch>.deb (dpkg-buildpackage
#                         on a copy of the tracked sources; lintian must report no
#                         error)
#   make runner-image     gadget-runner: Debian minbase + the runtime's libraries +
#                         the package, no base image pulled (mmdebstrap from
#                         Debian's archive), imported into podman and written to
#                         build/images/gadget-runner.oci.tar
#   make toolchain-image  gadget-toolchain: the same + clang and libbpf-dev
#   make shiptest         the package, the images, the pod and the CI recipe built
#                         and tested for real (tests/ship/*.bats; minutes: out of
#                         make test, whose quick part is tests/bats/ship-*.bats)

# podman runs the images with runc: crun refuses this host's cgroup v1/v2
# hybrid ("cgroups in hybrid mode not supported").
DEB_PACKAGES += dpkg-dev debhelper fakeroot lintian mmdebstrap podman uidmap runc

SHIP_O         := $(O)/ship
DEB_OUT        := $(O)/deb
IMAGES_OUT     := $(O)/images
DEB_VERSION    := $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
DEB_ARCH       := $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE       := $(DEB_OUT)/gadget_$(DEB_VERSION)_$(DEB_ARCH).deb
# Debian's archive, the one this machine's apt reads; the suite the package
# was built on, so its libraries are the ones it was linked against.
DEBIAN_MIRROR  ?= http://deb.debian.org/debian
DEBIAN_SUITE   ?= $(shell . /etc/os-release && echo $$VERSION_CODENAME)
SHIP_JOBS      ?= $(shell n=$$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2); [ $$n -gt 2 ] && n=2; echo $$n)

.PHONY: deb runner-image toolchain-image images shiptest

# The package is built from a copy of the files git knows (tracked, and new
# ones not ignored), so no build output of the working tree gets in and the
# working tree gets no debian/gadget/ or debian/.debhelper/.
deb:
	@rm -rf $(DEB_OUT) && mkdir -p $(SHIP_O)/src && rm -rf $(SHIP_O)/src/gadget && mkdir -p $(SHIP_O)/src/gadget $(DEB_OUT)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(SHIP_O)/src/gadget
	cd $(SHIP_O)/src/gadget && dpkg-buildpackage -b -us -uc -j$(SHIP_JOBS)
	mv $(SHIP_O)/src/*.deb $(SHIP_O)/src/*.changes $(SHIP_O)/src/*.buildinfo $(DEB_OUT)/
	lintian --fail-on error --suppress-tags bad-distribution-in-changes-file $(DEB_OUT)/*.changes
	@ls -l $(DEB_FILE)

# mmdebstrap writes a rootfs tarball from Debian's archive (no recommends);
# the package file goes in by a hook, copied into the chroot and installed
# there by apt with its dependencies from the same archive (bookworm's
# mmdebstrap hands a .deb given to --include to a chrooted dpkg by a host
# path it cannot see).  Documentation, man pages and locales are left out,
# apt's lists and caches removed.  podman import makes the image (no base
# image), podman save the OCI archive.  The working folder and the store
# exist in the image: podman kube play does not make a missing WORKDIR.
SHIP_DPKG_EXCLUDES := --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
                      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
                      --dpkgopt='path-exclude=/usr/share/info/*'
SHIP_INSTALL = --customize-hook='copy-in $(DEB_FILE) /tmp' \
               --customize-hook='chroot "$$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/$(notdir $(DEB_FILE))' \
               --customize-hook='rm -f "$$1"/tmp/$(notdir $(DEB_FILE))' \
               --customize-hook='mkdir -p "$$1"/src "$$1"/var/lib/gadget/store'
# merged /usr made by mmdebstrap's own hook, not by the usrmerge package
# (which brings perl: 50 MB the runner never runs).
SHIP_MERGED_USR := --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
SHIP_CLEANUP := --customize-hook='rm -rf "$$1"/var/lib/apt/lists/* "$$1"/var/cache/apt/* "$$1"/var/log/*'

define ship_image
	@mkdir -p $(IMAGES_OUT)
	mmdebstrap --quiet --variant=minbase --include=ca-certificates$(2) $(SHIP_MERGED_USR) \
		$(SHIP_DPKG_EXCLUDES) $(SHIP_INSTALL) $(SHIP_CLEANUP) \
		$(DEBIAN_SUITE) $(IMAGES_OUT)/$(1).rootfs.tar $(DEBIAN_MIRROR)
	podman import --change 'ENTRYPOINT ["/usr/bin/gadget"]' --change 'WORKDIR /src' \
		--change 'ENV GADGET_STORE=/var/lib/gadget/store' \
		--change 'LABEL org.opencontainers.image.title=$(1)' \
		--change 'LABEL org.opencontainers.image.version=$(DEB_VERSION)' \
		$(IMAGES_OUT)/$(1).rootfs.tar localhost/$(1):$(DEB_VERSION) >/dev/null
	podman tag localhost/$(1):$(DEB_VERSION) localhost/$(1):latest
	rm -f $(IMAGES_OUT)/$(1).oci.tar
	podman save --format oci-archive -o $(IMAGES_OUT)/$(1).oci.tar localhost/$(1):$(DEB_VERSION)
	rm -f $(IMAGES_OUT)/$(1).rootfs.tar
	@podman image inspect --format '$(1): {{.Size}} bytes uncompressed' localhost/$(1):$(DEB_VERSION)
	@ls -l $(IMAGES_OUT)/$(1).oci.tar
endef

# The images always get a package of the sources as they are (make deb is
# a minute); one make run builds it once for both.
runner-image: deb
	$(call ship_image,gadget-runner,)

toolchain-image: deb
	$(call ship_image,gadget-toolchain,$(comma)clang$(comma)libbpf-dev)

images: runner-image toolchain-image

comma := ,

shiptest: $(GADGET) images
	GADGET=$(abspath $(GADGET)) GADGET_SRC=$(CURDIR) SHIP_O=$(abspath $(O)) tests/run-bats.sh tests/ship
