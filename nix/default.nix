# `nix-build nix` builds walnut against the nixpkgs on NIX_PATH (untested, see walnut.nix).
{ pkgs ? import <nixpkgs> { } }:
pkgs.callPackage ./walnut.nix { }
