/*
 * plant.h - deterministic model of the chamber (host simulation only).
 *
 * Pressure: roughing pump down to its ultimate pressure, cryopumping once
 * the shroud is cold, a small constant leak, venting towards atmosphere, and
 * a gas-inrush fault. Temperature: platen heated by the heater and cooled by
 * radiation to the shroud and by the cooling loop; shroud cooled by LN2;
 * coolant warmed by the heater and the cryo compressor when the loop stops.
 *
 * Explicit Euler at the control period; every random number comes from one
 * splitmix64 stream seeded at init, so a seed fixes the whole trajectory.
 */
#ifndef TVAC_PLANT_H
#define TVAC_PLANT_H

#include <stdbool.h>
#include <stdint.h>

#define TVAC_P_ATM_MBAR  1013.25
#define TVAC_T_AMBIENT_C 20.0

struct tvac_plant_in {
	bool vent, rough, cryo; /* valves open */
	bool heater_en;         /* heater relay closed */
	bool pump;              /* cooling-loop pump running */
	double duty;            /* heater PWM duty, 0..1 */
};

struct tvac_plant {
	double p_mbar;
	double t_platen, t_shroud, t_coolant; /* deg C */
	double leak_mbar_s;                   /* this chamber's leak rate, drawn from the seed */
	bool flow_ok;                         /* coolant flows (what the flow switch sees) */
	bool inrush;                          /* fault: gas pouring into the chamber */
	bool heater_shorted;                  /* fault: SSR conducts fully whenever enabled */
	bool cooling_lost;                    /* fault: the loop's flow has stopped */
	uint64_t rng;
};

/* Starts at atmosphere and room temperature, perturbed by the seed. */
void tvac_plant_init(struct tvac_plant *p, uint64_t seed);

/* Advances the model by dt seconds under inputs in. */
void tvac_plant_step(struct tvac_plant *p, const struct tvac_plant_in *in, double dt);

/* Next raw 64-bit number of the plant's stream (splitmix64). */
uint64_t tvac_plant_rand(struct tvac_plant *p);

/* Approximately standard-normal noise (sum of four uniforms, rescaled). */
double tvac_plant_noise(struct tvac_plant *p);

#endif /* TVAC_PLANT_H */
