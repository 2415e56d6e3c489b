/* Undefines what coordinatewise.c defines per instruction set, for the next one. */
#undef VEC
#undef LANES
#undef VI
#undef VF
#undef VD
#undef DM
#undef VMIN
#undef VMAX
