/* intern: one copy of each string for the process.
 *
 * Property names, values, natural keys and menu paths repeat across the
 * items and the models of one run (a live and a desired configuration
 * share most of them): each is kept once, never freed, and equal strings
 * are one pointer. Secrets are never interned (model.c keeps its own,
 * wiped copy of a sensitive property's value). */
#ifndef NR_ROS_INTERN_H
#define NR_ROS_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The one copy of `s`; the byte before it is a NUL. */
const char *nr_ros_intern(const char *s);
/* The one copy of the `n` bytes at `s` (no NUL among them). */
const char *nr_ros_intern_n(const char *s, size_t n);
/* Makes room for `n` strings in all (a guess from a text's length):
 * the table is not rebuilt again and again as a large text is read. */
void nr_ros_intern_reserve(size_t n);
/* nr_ros_sensitive(key), worked out once per name. */
bool nr_ros_key_sensitive(const char *key);
/* A hash of the `n` bytes at `s`, for the tables of strings. */
uint64_t nr_ros_strhash(const char *s, size_t n);

#endif
