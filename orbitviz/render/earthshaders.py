"""GLSL of :class:`orbitviz.render.earth.EarthItem`: the ground and the atmosphere shell.

Frames and units: positions and the eye in ITRS km, the Sun a unit vector in ITRS.
The sources use ``attribute``/``varying``, ``TEX2D`` and ``OUT_COLOR``
(:func:`orbitviz.render.tracks.glsl_header` maps them onto the context's GLSL version).
The ground's fragment shader has variants: ``#define LIMB`` draws the limb's coverage
(below), ``#define DETAIL`` also samples the fine window (:mod:`orbitviz.render.earthdetail`).

The limb. The mesh's facets are chords, up to ``u_inflate_km`` inside the ellipsoid: left
so, the drawn outline is a polygon inside the true one, and the sky glow, which is computed
for the true ellipsoid, showed a dimmer dash in every gap (the "row of dark dashes" of
issue 12). The vertex shader lifts the vertices near the outline by that gap, so the mesh's
outline encloses the ellipsoid's; the fragment shader then finds, for each fragment, the
height above the ellipsoid of its sight line's closest approach, and draws the Earth with
the share of the pixel it covers (a one-pixel ramp from ``fwidth``) over the glow the shell
draws there: a smooth limb, with the atmosphere on or off. Far away (the coarse mesh,
over 8,000 km up) the lifted vertices alone close the gaps, which are then under a
pixel, and the coverage is left out: on a software rasteriser it cost about a sixth of
the whole-Earth frame (``docs/performance.md``).
"""

# The lighting angles are computed per vertex and interpolated: they vary smoothly over a
# facet (1.4° of arc, 2.8° at the coarse level), so the error of interpolating them is
# under 3e-4 in a cosine, while on a software rasteriser every fragment instruction counts.
EARTH_VS = """
uniform mat4 u_mvp;
uniform vec3 u_sun;        // unit, ITRS
uniform vec3 u_eye;        // camera position, ITRS km
uniform float u_inflate_km;
uniform float u_flat;      // a / b
uniform float u_atmo_on;
attribute vec3 a_pos;
attribute vec3 a_normal;
attribute vec2 a_uv;
varying vec2 v_uv;
varying vec3 v_light;      // cosines: (sun, view, half-vector) with the normal
varying vec3 v_ray;        // eye → vertex (lifted), in the stretched frame, km
varying vec3 v_glow;       // the shell's glow colour at the limb here (0: atmosphere off)
void main() {
    vec3 v = normalize(u_eye - a_pos);
    float mu_v = dot(a_normal, v);
    vec3 p = a_pos + a_normal * (u_inflate_km * (1.0 - smoothstep(0.0, 0.25, mu_v)));
    vec3 h = normalize(u_sun + v);
    float mu_s = dot(a_normal, u_sun);
    v_light = vec3(mu_s, max(mu_v, 0.0), max(dot(a_normal, h), 0.0));
    v_uv = a_uv;
    v_ray = (p - u_eye) * vec3(1.0, 1.0, u_flat);
    v_glow = mix(vec3(1.0, 0.45, 0.18), vec3(0.32, 0.62, 1.0), smoothstep(-0.08, 0.25, mu_s))
           * (smoothstep(-0.22, 0.12, mu_s) * 0.95 * u_atmo_on);
    gl_Position = u_mvp * vec4(p, 1.0);
}
"""

EARTH_FS = """
uniform sampler2D u_day;   // rgb: Blue Marble (sRGB), a: city lights
uniform sampler2D u_detail; // the fine window, same layout
uniform vec4 u_win;        // window: u0, v0, 1/du, 1/dv in the global map's uv
uniform float u_night_on;
uniform float u_atmo_on;
uniform vec3 u_eye_s;      // the eye in the stretched frame (z scaled by a/b), km
uniform float u_eye2_s;    // |u_eye_s|^2, km^2 (float64 on the CPU)
uniform float u_radius;    // equatorial radius, km
uniform float u_glow_k;    // 1 / (scale height · ln 2), per km
varying vec2 v_uv;
varying vec3 v_light;
varying vec3 v_ray;
varying vec3 v_glow;

// Gamma 2 (a multiply and a square root) stands in for sRGB's 2.2: on a software
// rasteriser pow() on three channels costs more than the texture fetch. No branches:
// llvmpipe runs both sides of a branch anyway.
void main() {
    vec4 texel = TEX2D(u_day, v_uv);
#ifdef DETAIL
    // the fine window, faded in over its outer half tile
    vec2 w = vec2(fract(v_uv.x - u_win.x) * u_win.z, (v_uv.y - u_win.y) * u_win.w);
    vec2 edge = min(w, 1.0 - w) * 16.0;
    texel = mix(texel, TEX2D(u_detail, w), clamp(min(edge.x, edge.y), 0.0, 1.0));
#endif
    vec3 albedo = texel.rgb * texel.rgb;
    float mu_s = v_light.x;

    // Day side: softened Lambert with a soft terminator (about +-6 degrees of solar elevation).
    float day = smoothstep(-0.10, 0.10, mu_s);
    float lambert = 0.30 + 0.70 * sqrt(max(mu_s, 0.0));
    vec3 twilight = mix(vec3(1.0, 0.50, 0.25), vec3(1.0), smoothstep(0.0, 0.25, mu_s));
    vec3 col = albedo * (lambert * day * 1.15) * twilight;

    // Sun glint on water (Blue Marble oceans are dark and blue): (n.h)^220, written as
    // exp2(-220/ln2 (1 - n.h)): the two differ by at most 0.13 % of the peak.
    float water = smoothstep(0.01, 0.07, texel.b - max(texel.r, texel.g))
                * (1.0 - smoothstep(0.25, 0.45, texel.b));
    float glint = exp2(-317.4 * (1.0 - v_light.z)) * water * day;
    col += vec3(1.0, 0.93, 0.80) * (glint * 0.22);

    // Night side: faint land, then the city lights below the terminator.
    float night = 1.0 - smoothstep(-0.12, 0.04, mu_s);
    col += albedo * (0.025 * night);
    col += vec3(1.0, 0.72, 0.38) * (texel.a * texel.a * 1.6 * night * u_night_on);

    // Atmospheric haze towards the lit limb: (1 - mu_v)^4.
    float m = 1.0 - v_light.y;
    m *= m;
    float lit = smoothstep(-0.15, 0.35, mu_s);
    vec3 haze = vec3(0.30, 0.55, 1.0);
    col = mix(col, haze * (0.25 + 0.75 * lit), u_atmo_on * lit * (0.03 + 0.55 * m * m));

#ifdef LIMB
    // The limb: the share of the pixel inside the ellipsoid's outline, over the glow that
    // the atmosphere shell draws beyond it (same formula; black with the atmosphere off).
    // The sight line's closest approach b to the centre: b^2 = |e|^2 - (e.r)^2/|r|^2, and
    // its height over the surface (b^2 - a^2)/2a, exact enough within a pixel of the limb
    // and of the right sign everywhere.
    float er = dot(u_eye_s, v_ray);
    float hgt = (u_eye2_s - er * er / dot(v_ray, v_ray) - u_radius * u_radius)
              * (0.5 / u_radius);
    float cover = clamp(0.5 - hgt / max(fwidth(hgt), 1e-4), 0.0, 1.0);
    vec3 glow = v_glow * exp2(-max(hgt, 0.0) * u_glow_k);
    OUT_COLOR = vec4(mix(glow, sqrt(clamp(col, 0.0, 1.0)), cover), 1.0);
#else
    OUT_COLOR = vec4(sqrt(clamp(col, 0.0, 1.0)), 1.0);
#endif
}
"""

# The shell is drawn at the far plane, its back faces culled: where the Earth's disc
# already wrote depth, its fragments fail the depth test before shading, so only the ring
# beyond the limb is shaded (the haze over the disc itself comes from the Earth's own
# shader). The shader has no discard, which would put the depth test after the shading on
# a software rasteriser. (From inside the shell, below its top, no glow is drawn.)
ATMO_VS = """
uniform mat4 u_mvp;
attribute vec3 a_pos;
varying vec3 v_pos;
void main() {
    v_pos = a_pos;
    vec4 p = u_mvp * vec4(a_pos, 1.0);
    gl_Position = vec4(p.xy, p.w, p.w);
}
"""

# Everything is computed in "stretched" coordinates where z is scaled by a/b, turning the
# ellipsoid into a sphere of radius a: the sight line's closest approach to the centre
# then gives its height above the surface. The glow is continuous through height 0, so no
# seam shows where a sight line grazes the ellipsoid.
ATMO_FS = """
uniform vec3 u_sun;        // unit, ITRS
uniform vec3 u_eye;        // camera position, ITRS km
uniform float u_radius;    // equatorial radius, km
uniform float u_flat;      // a / b
uniform float u_scale_h;   // glow scale height, km
varying vec3 v_pos;

void main() {
    vec3 stretch = vec3(1.0, 1.0, u_flat);
    vec3 p = v_pos * stretch;
    vec3 e = u_eye * stretch;
    vec3 d = normalize(p - e);
    vec3 c = e + d * max(-dot(e, d), 0.0);     // closest approach of the sight line
    float b = length(c);
    float height = b - u_radius;
    // over the limb it falls off with the scale height; in front of the disc (only seen
    // where the disc is not drawn) it thins away from the limb
    float glow = exp(-abs(height) / (height > 0.0 ? u_scale_h : 5.0 * u_scale_h));
    vec3 nc = c / max(b, 1.0);
    if (height <= 0.0) nc = normalize(p);
    float mu = dot(nc, u_sun);
    float lit = smoothstep(-0.22, 0.12, mu);
    vec3 color = mix(vec3(1.0, 0.45, 0.18), vec3(0.32, 0.62, 1.0), smoothstep(-0.08, 0.25, mu));
    OUT_COLOR = vec4(color * glow * lit * 0.95, 1.0);
}
"""
