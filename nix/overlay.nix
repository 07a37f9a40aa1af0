# An overlay that makes nixpkgs' power.ups module run walnut's upsd and usbhid-ups.
# UNTESTED (nothing here can fetch nixpkgs); only parsed by tests/package.
#
#   nixpkgs.overlays = [ (import ./path/to/walnut/nix/overlay.nix) ];
#
# The module runs ${pkgs.nut}/sbin/upsd and ${pkgs.nut}/bin/upsdrvctl, and upsdrvctl starts the
# drivers in the nut package's own bin/ (its compiled-in driver path). A symlinkJoin would leave
# that path pointing at stock's usbhid-ups, so nut itself is rebuilt with walnut's two programs
# in place of stock's; stock's stay beside them as NAME.nut-stock, and every other program
# (upsmon, upsc, upsdrvctl, the other drivers) is stock's.
final: prev: {
  walnut = final.callPackage ./walnut.nix { };

  nut = prev.nut.overrideAttrs (old: {
    postInstall = (old.postInstall or "") + ''
      mv $out/sbin/upsd $out/sbin/upsd.nut-stock
      mv $out/bin/usbhid-ups $out/bin/usbhid-ups.nut-stock
      ln -s ${final.walnut}/lib/nut/upsd $out/sbin/upsd
      ln -s ${final.walnut}/lib/nut/usbhid-ups $out/bin/usbhid-ups
    '';
  });
}
