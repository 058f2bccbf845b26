"""Where a frame's code comes from when a cut took its file line (a terminal pane's
width, the log's end): read from what the text still tells, on real pastes
(samples/wild), and said to be read so (`inferred`), with what the cut left of the
path (`file_start`)."""

from __future__ import annotations

import json
from pathlib import Path

from stackdemux.analyse.origins import cut_origin
from stackdemux.api import analyze_many
from stackdemux.render import RenderOptions, render

WILD = Path(__file__).resolve().parent.parent / "samples" / "wild"


def cut_frames(name: str) -> dict[str, dict]:
    """The frames of a paste whose file line was cut, by function (a goroutine's
    `created by` frame too)."""
    (path,) = WILD.glob(name + "_*.txt")
    d = json.loads(render(analyze_many([str(path)]), "json", RenderOptions(color=False)))
    return {f["func"]: f for r in d["reports"] for g in r["goroutines"]
            for f in [*g["frames"], *([g["created_by"]] if g["created_by"] else [])]
            if f.get("cut")}


def test_a_pane_cut_vendor_path_says_the_vendor_tree():
    # SREGym#506: k9s's pane cut zerolog's file lines at
    # `…/go-micro-services/vendor/github.com/rs/zerolog/log.`: a vendor tree (module
    # vendoring: zerolog's functions are named without `/vendor/`), as the whole path
    # would say; the module by Go's conventions, no version (none was printed)
    frames = cut_frames("sregym506")
    msg = frames["github.com/rs/zerolog.(*Event).msg"]
    assert (msg["module"], msg["version"], msg["origin"]) == (
        "github.com/rs/zerolog", None, "vendor")
    assert msg["file"] is None and msg["cut"] == ["file", "line"]
    assert msg["file_start"] == (
        "/go/src/github.com/harlow/go-micro-services/vendor/github.com/rs/zerolog/even")
    assert msg["inferred"] == ["module", "origin"]
    # main.main's file line cut by the stored copy: the main module, as before
    main = frames["main.main"]
    assert (main["origin"], main["file_start"]) == ("main", "/go/src/github.com/harlow")


def test_a_module_cache_path_cut_after_its_version_gives_module_and_version():
    # traefik-kop#15: the escaped stack in logrus's record ends inside
    # `/home/runner/go/pkg/mod/github.com/traefik/traefik/v2@v2.7.1/pk`
    frame = cut_frames("traefikkop15")[
        "github.com/traefik/traefik/v2/pkg/provider.BuildRouterConfiguration"]
    assert (frame["module"], frame["version"], frame["origin"]) == (
        "github.com/traefik/traefik/v2", "v2.7.1", "modcache")
    assert frame["inferred"] == ["module", "version", "origin"]


def test_a_gopath_checkout_cut_inside_its_import_path():
    # panicwrap#21: echo's ServeHTTP at `/home/inverno/go_projects/src/github.com/labstac`,
    # a GOPATH checkout as echo's other frames' whole paths show
    frame = cut_frames("panicwrap21")["github.com/labstack/echo.(*Echo).ServeHTTP"]
    assert (frame["module"], frame["origin"]) == ("github.com/labstack/echo", "gopath")


def test_the_packages_other_frames_tell_before_the_cut_path():
    # zerolog#422: `created by golang/pkg/controllers/vtkendpoints.Controller.Start` cut
    # at `/okteto/golang/pkg/controllers/vtkendpoints/controlle`; its package's
    # workLoop frame, read whole, is of a module the text does not place: so is it,
    # and only its module (by convention) is said inferred, not the unknown origin
    frame = cut_frames("zerolog422")["golang/pkg/controllers/vtkendpoints.Controller.Start"]
    assert (frame["module"], frame["origin"], frame["inferred"]) == (
        "golang", "unknown", ["module"])


def test_a_path_cut_before_it_says_where_tells_nothing():
    # (the starts as real pastes left them, read against a package they could be of)
    assert cut_origin("github.com/labstack/echo.(*Echo).ServeHTTP", "/home") is None
    assert cut_origin("github.com/rs/zerolog.(*Event).msg", "/go/src/github.com/harlow/"
                      "go-micro-services/vend") is None
    # a vendor tree of another package's path is no evidence for this one
    assert cut_origin("github.com/sirupsen/logrus.(*Entry).log", "/go/src/github.com/"
                      "harlow/go-micro-services/vendor/github.com/rs/zerolog/log.") is None
    # a module cache cut inside its version: the module by convention, no version
    o = cut_origin("github.com/traefik/traefik/v2/pkg/provider.BuildRouterConfiguration",
                   "/home/runner/go/pkg/mod/github.com/traefik/traefik/v2@v2.7")
    assert (o.module, o.version, o.origin) == ("github.com/traefik/traefik/v2", None,
                                               "modcache")
