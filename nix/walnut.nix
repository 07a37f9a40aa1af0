# walnut for Nix, callPackage style: `pkgs.callPackage ./nix/walnut.nix { }`.
# UNTESTED: nothing on walnut's build machines can fetch nixpkgs; tests/package checks that
# every .nix file parses (nix-instantiate --parse), no more.
{ lib
, stdenv
, cmake
, ninja
, pkg-config
, libusb1
, hidapi
, asio
, yaml-cpp
, openssl
, systemd
, fmt
, gtest
}:

stdenv.mkDerivation {
  pname = "walnut";
  version = "0.1.0";

  # The checkout this file lives in, without build directories or VCS files.
  src = lib.cleanSourceWith {
    src = lib.cleanSource ../.;
    filter = path: type: !(lib.hasPrefix "build" (baseNameOf path));
  };

  nativeBuildInputs = [ cmake ninja pkg-config ];
  buildInputs = [ libusb1 hidapi asio yaml-cpp openssl systemd fmt ];
  checkInputs = [ gtest ];

  # NUT's layout (upsd and usbhid-ups in $out/lib/nut), so the overlay can hand both to nut.
  cmakeFlags = [
    "-DWALNUT_NUT_LAYOUT=ON"
    "-DWALNUT_WERROR=OFF"
    "-DWALNUT_TESTS=${if stdenv.buildPlatform.canExecute stdenv.hostPlatform then "ON" else "OFF"}"
  ];

  # The pure unit tests only: the rest of the suite needs root, namespaces and stock NUT.
  doCheck = true;
  checkPhase = ''
    runHook preCheck
    ctest -L unit --output-on-failure -j $NIX_BUILD_CORES
    runHook postCheck
  '';

  meta = {
    description = "NUT-compatible upsd and usbhid-ups (drop-in replacements for Network UPS Tools')";
    license = lib.licenses.gpl2Plus;
    platforms = lib.platforms.linux;
  };
}
